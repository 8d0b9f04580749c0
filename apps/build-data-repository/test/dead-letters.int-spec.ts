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

  it('dead-letters garbage and a queued event without its component, then handles the next good event', async () => {
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

    await sut.engine.publishDirect(PipelineRunQueued, queued(good));

    const garbage = await sut.tap.waitFor((m) => inDeadLetters(m) && m.headers['x-test-marker'] === marker, {
      description: 'the garbage in the dead-letter topic',
    });
    expect(garbage.headers[DeadLetterHeaders.originalTopic]).toBe(sut.engine.topic(Topics.cdevents));
    const invalid = await sut.tap.waitFor((m) => inDeadLetters(m) && m.headers.ce_subject === incomplete.runId, {
      description: 'the invalid event in the dead-letter topic',
    });
    expect(invalid.headers[DeadLetterHeaders.error]).toContain('customData.component');

    const allocation = await sut.tap.waitFor(
      (m) =>
        m.attributes?.type === VERSION_ALLOCATED && (m.data as VersionAllocated).subject.content.runId === good.runId,
      { description: 'the good run to get its version' },
    );
    expect((allocation.data as VersionAllocated).subject.content.version).toBe('1');
    await request(sut.http).get(`/runs/${incomplete.runId}`).expect(404);
    await request(sut.http).get(`/components/${incomplete.component}/versions`).expect(404);
  });
});
