import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { PipelineGraph } from '@pipewright/pipeline-spec';
import { executePipeline } from '../executor/execute-pipeline';
import type { ApprovalGate, EnvironmentProvider, RunResult } from '../executor/executor.types';
import { mockTaskExecutor } from '../mock/mock-task-executor';
import type { MockRecord, MockTaskBehaviour } from '../mock/mock.types';
import type { PipelineTestCaseResult, PipelineTestsResult } from './pipeline-test.types';
import { type PipelineTestCase, PipelineTestReader, type Position } from './read-pipeline-tests';

export interface PipelineTestOptions {
  /**
   * Loads the graph again with a case's `given.inputs` (inputs that shape the graph at load time,
   * like a flavour's environment or approvers). Without it, `given.inputs` only changes what
   * expressions see as `inputs.*`.
   */
  loadGraph?: (inputs: Record<string, string | number | boolean>) => PipelineGraph | Promise<PipelineGraph>;
}

/**
 * Runs the cases of a pipewright.test.yml (format: PIPELINE-TESTS.md) against a pipeline in mock mode:
 * no process starts, time is virtual, each case takes milliseconds. A test file with mistakes gives
 * errors at file:line:column and runs nothing.
 */
export async function runPipelineTests(
  graph: PipelineGraph,
  testFileText: string,
  file: string,
  options: PipelineTestOptions = {},
): Promise<PipelineTestsResult> {
  const reader = new PipelineTestReader(graph, file);
  const cases = reader.read(testFileText);
  if (reader.errors.length > 0) {
    const errors = [...reader.errors].sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, file, errors };
  }
  const results: PipelineTestCaseResult[] = [];
  for (const [index, testCase] of cases.entries()) results.push(await runCase(graph, testCase, index, file, options));
  const passed = results.filter((r) => r.passed).length;
  return { ok: true, file, cases: results, passed, failed: results.length - passed };
}

async function runCase(
  graph: PipelineGraph,
  testCase: PipelineTestCase,
  index: number,
  file: string,
  options: PipelineTestOptions,
): Promise<PipelineTestCaseResult> {
  const { given } = testCase;
  const caseGraph =
    options.loadGraph !== undefined && Object.keys(given.inputs).length > 0
      ? await options.loadGraph(given.inputs)
      : graph;
  const tasks: Record<string, MockTaskBehaviour> = {};
  const behaviour = (id: string) => (tasks[id] ??= {});
  for (const [id, outcome] of Object.entries(given.outcomes)) behaviour(id).outcome = outcome;
  for (const [id, outputs] of Object.entries(given.outputs)) behaviour(id).outputs = outputs;
  for (const [id, durationMs] of Object.entries(given.durations)) behaviour(id).durationMs = durationMs;
  const mock = mockTaskExecutor({ tasks });
  const approvals: ApprovalGate = {
    request: async (request) => {
      const at = new Date(mock.clock.now()).toISOString();
      return given.approvals[request.stage.name] === 'rejected'
        ? { decision: 'rejected', by: 'pipewright test', at, reason: 'rejected in the test case' }
        : { decision: 'approved', by: 'pipewright test', at };
    },
  };
  const environments: EnvironmentProvider = {
    provide: async (_stage, environment) => ({ url: `http://${environment.name}.test` }),
    release: async () => undefined,
  };
  const result = await executePipeline(caseGraph, {
    run: { id: `test-${index + 1}`, version: '0.0.0-test', revision: 'test' },
    workspace: dirname(file),
    taskExecutor: mock,
    clock: mock.clock,
    inputs: given.inputs,
    approvals,
    environments,
    ...(given.to !== undefined ? { to: given.to } : {}),
    ...(given.only !== undefined ? { only: given.only } : {}),
  });
  const failures = check(testCase, result, mock.records).map(
    ({ at, message }) => `${file}:${at.line}:${at.column}: ${message}`,
  );
  const ran = [...new Set(mock.records.map((r) => r.taskId))];
  return {
    name: testCase.name,
    line: testCase.at.line,
    passed: failures.length === 0,
    failures,
    outcome: result.outcome,
    ran,
    durationMs: result.durationMs,
  };
}

interface Span {
  start: number;
  end: number;
}

function check(
  testCase: PipelineTestCase,
  result: RunResult,
  records: readonly MockRecord[],
): { at: Position; message: string }[] {
  const failures: { at: Position; message: string }[] = [];
  const fail = (at: Position, message: string) => failures.push({ at, message });
  const { expect } = testCase;
  const spans = new Map<string, Span>();
  for (const record of records) {
    const span = spans.get(record.taskId);
    if (span === undefined) spans.set(record.taskId, { start: record.start, end: record.end });
    else span.end = Math.max(span.end, record.end);
  }
  const ranList = [...spans.keys()];
  const why = (id: string) => {
    const state = result.state.tasks[id];
    if (state === undefined) return 'it is not part of the run';
    return `it was ${state.outcome ?? state.status}${state.reason ? ` (${state.reason})` : ''}`;
  };
  const describe = (id: string) => {
    const span = spans.get(id);
    return span === undefined ? `${id} did not run` : `${id} ran ${span.start}–${span.end} ms`;
  };

  if (expect.outcome !== undefined && expect.outcome.value !== result.outcome) {
    const failed = Object.entries(result.state.stages)
      .filter(([, stage]) => stage.outcome !== 'success' && stage.outcome !== undefined)
      .map(([name, stage]) => `${name}: ${stage.outcome ?? ''}${stage.reason ? ` (${stage.reason})` : ''}`);
    fail(
      expect.outcome.at,
      `expected the run to end ${expect.outcome.value}, but it ended ${result.outcome}${failed.length > 0 ? `; stages: ${failed.join('; ')}` : ''}`,
    );
  }
  for (const { value: id, at } of expect.ran)
    if (!spans.has(id))
      fail(at, `expected ${id} to run, but ${why(id)}; tasks that ran: ${ranList.join(', ') || 'none'}`);
  for (const { value: id, at } of expect.notRan) {
    const state = result.state.tasks[id];
    if (spans.has(id))
      fail(at, `expected ${id} not to run, but it ran (${state?.outcome ?? state?.status ?? 'unknown'})`);
  }
  for (const { value: group, at } of expect.order) {
    for (let i = 1; i < group.length; i++) {
      const before = group[i - 1] as string;
      const after = group[i] as string;
      const a = spans.get(before);
      const b = spans.get(after);
      if (a === undefined || b === undefined || a.end > b.start)
        fail(
          at,
          `expected ${before} to finish before ${after} started, but ${describe(before)} and ${describe(after)}`,
        );
    }
  }
  for (const { value: group, at } of expect.parallel) {
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) {
        const x = group[i] as string;
        const y = group[j] as string;
        const a = spans.get(x);
        const b = spans.get(y);
        if (a === undefined || b === undefined || !(a.start < b.end && b.start < a.end))
          fail(at, `expected ${x} and ${y} to run at the same time, but ${describe(x)} and ${describe(y)}`);
      }
  }
  for (const { value, at } of expect.stages) {
    const stage = result.state.stages[value.stage];
    const actual = stage?.outcome ?? (stage === undefined ? 'not part of the run' : stage.status);
    if (actual !== value.outcome)
      fail(
        at,
        `expected stage ${value.stage} to end ${value.outcome}, but it ${stage?.outcome ? `ended ${actual}` : `is ${actual}`}${stage?.reason ? ` (${stage.reason})` : ''}`,
      );
  }
  for (const { value, at } of expect.tasks) {
    const state = result.state.tasks[value.task];
    const actual = state?.outcome;
    if (actual !== value.outcome)
      fail(
        at,
        `expected ${value.task} to end ${value.outcome}, but ${actual === undefined ? why(value.task) : `it ended ${actual}${state?.reason ? ` (${state.reason})` : ''}`}`,
      );
  }
  for (const { value, at } of expect.attempts) {
    const actual = records.filter((r) => r.taskId === value.task).length;
    if (actual !== value.attempts)
      fail(
        at,
        `expected ${value.task} to run ${plural(value.attempts, 'attempt')}, but it ran ${plural(actual, 'attempt')}`,
      );
  }
  for (const { value, at } of expect.with) {
    const record = [...records].reverse().find((r) => r.taskId === value.task);
    if (record === undefined) {
      fail(
        at,
        `expected ${value.task} to run with ${value.input}: ${JSON.stringify(value.value)}, but ${why(value.task)}`,
      );
      continue;
    }
    const actual = record.inputs[value.input];
    if (
      !isDeepStrictEqual(actual, value.value) &&
      !(typeof actual !== 'object' && String(actual) === String(value.value))
    )
      fail(
        at,
        `expected ${value.task} to run with ${value.input}: ${JSON.stringify(value.value)}, but it was ${JSON.stringify(actual ?? null)}`,
      );
  }
  return failures;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
