import { randomUUID } from 'node:crypto';
import { newCDEvent, sourceOf } from '../envelope/cdevent';
import { parseMessage } from '../envelope/message-definition';
import { TESTSUITE_RUN_FINISHED, TEST_REPORT_XML_MAX_BYTES, TestSuiteRunFinished } from './testsuite-run.events';

const runId = randomUUID();

function finished(junitXml?: string) {
  return newCDEvent(
    TESTSUITE_RUN_FINISHED,
    sourceOf('pipeline-engine'),
    { id: 'tsr-1', content: { outcome: 'failure' as const, environment: { id: 'ci' } } },
    { runId, component: 'hello', taskName: 'unit-tests', ...(junitXml === undefined ? {} : { junitXml }) },
  );
}

describe('testsuiterun.finished', () => {
  it('is keyed by its run, so results stay in order with the run’s other events', () => {
    const sut = TestSuiteRunFinished;
    const event = parseMessage(sut, finished('<testsuites/>'));

    expect(sut.key(event)).toBe(runId);
    expect(sut.subject(event)).toBe('tsr-1');
  });

  it('refuses JUnit XML too large for one Kafka message, counting UTF-8 bytes', () => {
    // Two bytes per "é": under the limit in characters, over it in bytes.
    const xml = `<testsuites>${'é'.repeat(TEST_REPORT_XML_MAX_BYTES / 2)}</testsuites>`;

    expect(() => parseMessage(TestSuiteRunFinished, finished(xml))).toThrow(
      `${TESTSUITE_RUN_FINISHED} is invalid: customData.junitXml: must be at most ${TEST_REPORT_XML_MAX_BYTES} bytes`,
    );
  });

  it('requires the environment, as CDEvents v0.5.1 does', () => {
    const event = finished();
    const { environment: _dropped, ...content } = event.subject.content;

    expect(() => parseMessage(TestSuiteRunFinished, { ...event, subject: { ...event.subject, content } })).toThrow(
      'subject.content.environment',
    );
  });
});
