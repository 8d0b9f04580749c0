import { mergePatch } from '../database/merge-upsert';
import {
  aRun,
  aTask,
  distinctOrders,
  finished,
  queued,
  started,
  taskFinished,
  taskStarted,
} from '../../test/support/run-events.fixtures';
import {
  finishedRun,
  finishedTaskRun,
  queuedRun,
  runMergeRules,
  startedRun,
  startedTaskRun,
  taskRunMergeRules,
  type RunPatch,
  type TaskRunPatch,
} from './run-merge';

const foldRun = (patches: RunPatch[]) =>
  patches.reduce<RunPatch | undefined>((stored, patch) => mergePatch(stored, patch, runMergeRules), undefined);
const foldTaskRun = (patches: TaskRunPatch[]) =>
  patches.reduce<TaskRunPatch | undefined>((stored, patch) => mergePatch(stored, patch, taskRunMergeRules), undefined);

describe('run merge rules', () => {
  const run = aRun();
  const queuedPatch = queuedRun(queued(run, '2026-11-22T10:00:00.000Z'), '7');
  const startedPatch = startedRun(started(run, '7', '2026-11-22T10:00:01.000Z'));
  const finishedPatch = finishedRun(finished(run, 'failure', '2026-11-22T10:00:09.000Z'));

  it('ends in the same run for every order of queued, started and finished, each delivered twice', () => {
    const orders = distinctOrders([queuedPatch, queuedPatch, startedPatch, startedPatch, finishedPatch, finishedPatch]);
    expect(orders).toHaveLength(90);

    const expected = foldRun([queuedPatch, startedPatch, finishedPatch]);
    expect(expected).toMatchObject({
      status: 'finished',
      outcome: 'failure',
      errors: 'compile failed',
      version: '7',
      revision: run.revision,
      queuedAt: new Date('2026-11-22T10:00:00.000Z'),
      startedAt: new Date('2026-11-22T10:00:01.000Z'),
      finishedAt: new Date('2026-11-22T10:00:09.000Z'),
      durationMs: 8_000,
    });
    for (const order of orders) expect(foldRun(order)).toEqual(expected);
  });

  it('does not move a finished run back to running when its started event comes late', () => {
    const sut = foldRun([finishedPatch, startedPatch]);

    expect(sut).toMatchObject({ status: 'finished', outcome: 'failure', startedAt: startedPatch.startedAt });
  });

  it('does not move a running run back to queued', () => {
    expect(foldRun([startedPatch, queuedPatch])).toMatchObject({
      status: 'running',
      definition: queuedPatch.definition,
    });
  });

  it('keeps the allocated version when a later event carries none', () => {
    expect(foldRun([queuedPatch, finishedPatch])).toMatchObject({ version: '7', status: 'finished' });
  });
});

describe('task run merge rules', () => {
  const run = aRun();
  const task = aTask();
  // The engine notes the start before it emits taskrun.started, so the two reports differ slightly.
  const startedPatch = startedTaskRun(taskStarted(run, task, '2026-11-22T10:00:02.250Z'));
  const finishedPatch = finishedTaskRun(
    taskFinished(run, task, 'failure', {
      startedAt: '2026-11-22T10:00:02.000Z',
      timestamp: '2026-11-22T10:00:05.000Z',
      exitCode: 2,
    }),
  );

  it('ends in the same task run for every order of started and finished, each delivered twice', () => {
    const orders = distinctOrders([startedPatch, startedPatch, finishedPatch, finishedPatch]);
    expect(orders).toHaveLength(6);

    for (const order of orders) {
      expect(foldTaskRun(order)).toEqual({
        id: task.taskRunId,
        runId: run.runId,
        component: run.component,
        stage: 'build',
        taskName: 'compile',
        attempt: 1,
        status: 'finished',
        outcome: 'failure',
        exitCode: 2,
        errors: 'exit code 2',
        startedAt: new Date('2026-11-22T10:00:02.000Z'),
        finishedAt: new Date('2026-11-22T10:00:05.000Z'),
        durationMs: 3_000,
      });
    }
  });

  it('keeps a finished task run finished when its started event arrives after it', () => {
    expect(foldTaskRun([finishedPatch, startedPatch])).toMatchObject({ status: 'finished', outcome: 'failure' });
  });

  it('records a task that has only started as running', () => {
    const sut = foldTaskRun([startedPatch, startedPatch]);

    expect(sut).toMatchObject({ status: 'running', startedAt: new Date('2026-11-22T10:00:02.250Z') });
    expect(sut?.outcome).toBeUndefined();
  });
});
