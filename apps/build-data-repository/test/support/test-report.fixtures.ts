import { randomUUID } from 'node:crypto';
import {
  TESTSUITE_RUN_FINISHED,
  TestSuiteRunFinished,
  newCDEvent,
  parseMessage,
  sourceOf,
  type MessageData,
  type Outcome,
} from '@pipewright/contracts';
import type { RunFixture } from './run-events.fixtures';

const source = sourceOf('pipeline-engine');

export type CaseResult = 'passed' | 'failed' | 'error' | 'skipped';

/** A jest-junit style report: one suite, one case per entry of `results` (classname = the case name). */
export function junitXml(suite: string, results: Record<string, CaseResult>): string {
  const cases = Object.entries(results)
    .map(([name, result]) => {
      const body =
        result === 'failed'
          ? `<failure message="${name} failed">AssertionError: expected 1 to be 2</failure>`
          : result === 'error'
            ? `<error message="${name} crashed"/>`
            : result === 'skipped'
              ? '<skipped/>'
              : '';
      return `    <testcase classname="${suite}" name="${name}" time="0.5">${body}</testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests">
  <testsuite name="${suite}" time="${Object.keys(results).length * 0.5}">
${cases}
  </testsuite>
</testsuites>`;
}

/** What a test task of `run` publishes when its tests finish. */
export function testSuiteFinished(
  run: RunFixture,
  options: { xml?: string; outcome?: Outcome; taskName?: string; taskRunId?: string } = {},
): MessageData<typeof TestSuiteRunFinished> {
  const taskName = options.taskName ?? 'unit-tests';
  const event = newCDEvent(
    TESTSUITE_RUN_FINISHED,
    source,
    {
      id: randomUUID(),
      source,
      content: {
        outcome: options.outcome ?? 'failure',
        environment: { id: 'ci' },
        testSuite: { id: taskName, name: taskName },
      },
    },
    {
      runId: run.runId,
      taskRunId: options.taskRunId ?? randomUUID(),
      taskName,
      component: run.component,
      ...(options.xml === undefined ? {} : { junitXml: options.xml }),
    },
  );
  return parseMessage(TestSuiteRunFinished, event);
}
