import {
  PipelineRunQueued,
  Topics,
  VERSION_ALLOCATED,
  deadLetterTopic,
  toCloudEventHeaders,
  type VersionAllocated,
} from '@pipewright/contracts';
import { DeadLetterHeaders, type TappedMessage } from '@pipewright/event-bus';
import { uniqueId } from '@pipewright/testing';
import request from 'supertest';
import { aRun, attributesOf, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

describe('messages that cannot be ingested', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('dead-letters garbage, bytes that are not UTF-8 and a queued event without its component, then handles the next good event', async () => {
    const inDeadLetters = (m: TappedMessage) => m.topic === sut.engine.topic(deadLetterTopic(Topics.cdevents));
    // All three share the good run's key, so they land on one partition and the good one waits behind the others.
    const good = aRun({ component: uniqueId('good-') });
    const marker = uniqueId('garbage-');
    await sut.engine.sendRaw(Topics.cdevents, {
      key: good.runId,
      value: '{ not json',
      headers: { 'x-test-marker': marker },
    });

    const incomplete = aRun({ component: uniqueId('lost-') });
    const event = queued(incomplete);
    const { component: _dropped, ...customData } = event.customData;
    await sut.engine.sendRaw(Topics.cdevents, {
      key: good.runId,
      value: JSON.stringify({ ...event, customData }),
      headers: toCloudEventHeaders(attributesOf(event, good.runId)),
    });

    // Valid JSON around one byte that is not UTF-8: decoding it would store U+FFFD in place of what was sent.
    const mangled = aRun({ component: uniqueId('bytes-') });
    const json = Buffer.from(JSON.stringify(queued(mangled)));
    const at = json.indexOf(mangled.component) + mangled.component.length;
    await sut.engine.sendRaw(Topics.cdevents, {
      key: good.runId,
      value: Buffer.concat([json.subarray(0, at), Buffer.from([0xff]), json.subarray(at)]),
      headers: toCloudEventHeaders(attributesOf(queued(mangled), good.runId)),
    });

    await sut.engine.publishDirect(PipelineRunQueued, queued(good));

    const garbage = await sut.tap.waitFor((m) => inDeadLetters(m) && m.headers['x-test-marker'] === marker, {
      description: 'the garbage in the dead-letter topic',
    });
    expect(garbage.headers[DeadLetterHeaders.originalTopic]).toBe(sut.engine.topic(Topics.cdevents));
    const invalid = await sut.tap.waitFor((m) => inDeadLetters(m) && m.headers.ce_subject === incomplete.runId, {
      description: 'the invalid event in the dead-letter topic',
    });
    expect(invalid.headers[DeadLetterHeaders.error]).toContain('customData.component');
    const notUtf8 = await sut.tap.waitFor((m) => inDeadLetters(m) && m.headers.ce_subject === mangled.runId, {
      description: 'the event that is not UTF-8 in the dead-letter topic',
    });
    expect(notUtf8.headers[DeadLetterHeaders.error]).toContain('not UTF-8');

    const allocation = await sut.tap.waitFor(
      (m) =>
        m.attributes?.type === VERSION_ALLOCATED && (m.data as VersionAllocated).subject.content.runId === good.runId,
      { description: 'the good run to get its version' },
    );
    expect((allocation.data as VersionAllocated).subject.content.version).toBe('1');
    await request(sut.http).get(`/runs/${incomplete.runId}`).expect(404);
    await request(sut.http).get(`/components/${incomplete.component}/versions`).expect(404);
    await request(sut.http).get(`/runs/${mangled.runId}`).expect(404);
  });
});
