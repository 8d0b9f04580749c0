import type { RunState } from '@pipewright/engine-core';
import type { StageEnvironment } from '../environments/stage-environment.entity';
import type { Run } from '../runs/run.entity';
import type { StageRun } from '../runs/stage-run.entity';
import { runStateOf, stageRowOf, taskRowOf } from './run-state';

const T0 = '2025-03-01T10:00:00.000Z';
const T1 = '2025-03-01T10:00:05.000Z';
const T2 = '2025-03-01T10:00:09.000Z';

/** The rows the reporter would have written for `state`, as the database gives them back. */
function rowsOf(state: RunState) {
  const stages = Object.entries(state.stages).map(([name, stage], position) => ({
    id: `stage-${name}`,
    runId: state.runId,
    position,
    name,
    approvalDecision: null,
    approvalBy: null,
    approvalAt: null,
    approvalComment: null,
    longLivedEnvironmentId: null,
    ...stageRowOf(stage),
  }));
  const tasks = Object.values(state.tasks).map((task, position) => ({
    id: `task-${task.stage}.${task.name}`,
    runId: state.runId,
    stageRunId: `stage-${task.stage}`,
    position,
    name: task.name,
    logLines: 0,
    ...taskRowOf(task),
  }));
  return { stages, tasks };
}

const run: Pick<Run, 'id' | 'status' | 'createdAt' | 'startedAt' | 'finishedAt'> = {
  id: 'run-1',
  status: 'running',
  createdAt: new Date(T0),
  startedAt: new Date(T0),
  finishedAt: null,
};

describe(runStateOf.name, () => {
  it("reads back the state the reporter wrote into the rows, whatever each stage's and task's status", () => {
    const state: RunState = {
      schemaVersion: 1,
      runId: 'run-1',
      status: 'running',
      startedAt: T0,
      stages: {
        build: { status: 'finished', outcome: 'success', startedAt: T0, finishedAt: T1 },
        test: { status: 'running', startedAt: T1 },
        lint: { status: 'finished', outcome: 'failure', reason: 'task "eslint" failed (exit code 1)', finishedAt: T2 },
        release: { status: 'waiting-for-approval', approval: { requestedAt: T2 } },
        docs: { status: 'pending' },
      },
      tasks: {
        'build.compile': {
          stage: 'build',
          name: 'compile',
          status: 'finished',
          outcome: 'success',
          attempts: 1,
          outputs: { tag: 'v1' },
          exitCode: 0,
          timedOut: false,
          startedAt: T0,
          finishedAt: T1,
          durationMs: 5000,
        },
        'test.unit': {
          stage: 'test',
          name: 'unit',
          status: 'running',
          attempts: 1,
          outputs: {},
          exitCode: null,
          timedOut: false,
          startedAt: T1,
        },
        'test.flaky': {
          stage: 'test',
          name: 'flaky',
          status: 'retrying',
          attempts: 2,
          outputs: {},
          exitCode: 1,
          timedOut: false,
          startedAt: T1,
          durationMs: 12,
          reason: 'exit code 1',
        },
        'lint.eslint': {
          stage: 'lint',
          name: 'eslint',
          status: 'finished',
          outcome: 'failure',
          attempts: 1,
          outputs: {},
          exitCode: 1,
          timedOut: false,
          finishedAt: T2,
          reason: 'exit code 1',
        },
        'lint.report': {
          stage: 'lint',
          name: 'report',
          status: 'finished',
          outcome: 'skipped',
          attempts: 0,
          outputs: {},
          finishedAt: T2,
          reason: 'an earlier task of the stage did not succeed',
        },
        'release.publish': { stage: 'release', name: 'publish', status: 'pending', attempts: 0, outputs: {} },
        'docs.site': { stage: 'docs', name: 'site', status: 'pending', attempts: 0, outputs: {} },
      },
    };
    const { stages, tasks } = rowsOf(state);

    const sut = runStateOf(run, stages, tasks, []);

    expect(sut).toEqual(state);
  });

  it('reads the approval decision and the stage environment the provisioner created', () => {
    const stage = {
      id: 'stage-deploy',
      runId: 'run-1',
      position: 0,
      name: 'deploy',
      status: 'failure',
      errors: 'rejected by alice: not today',
      startedAt: null,
      finishedAt: new Date(T2),
      approvalRequestedAt: new Date(T0),
      approvalDecision: 'rejected',
      approvalBy: 'alice',
      approvalAt: new Date(T1),
      approvalComment: 'not today',
      reused: false,
    } as StageRun;
    const environment = {
      id: 'env-1',
      runId: 'run-1',
      stageRunId: 'stage-deploy',
      name: 'test',
      status: 'destroying',
      url: 'http://127.0.0.1:4000',
      requestedAt: new Date(T0),
      readyAt: new Date(T1),
      destroyRequestedAt: new Date(T2),
      releaseError: null,
    } as StageEnvironment;

    const sut = runStateOf({ ...run, status: 'failure', finishedAt: new Date(T2) }, [stage], [], [environment]);

    expect(sut).toMatchObject({ status: 'finished', outcome: 'failure', finishedAt: T2 });
    expect(sut.stages.deploy).toEqual({
      status: 'finished',
      outcome: 'failure',
      reason: 'rejected by alice: not today',
      finishedAt: T2,
      approval: { requestedAt: T0, decision: { decision: 'rejected', by: 'alice', at: T1, reason: 'not today' } },
      environment: {
        name: 'test',
        lifetime: 'ephemeral',
        url: 'http://127.0.0.1:4000',
        details: { environmentId: 'env-1' },
        providedAt: T1,
        releasedAt: T2,
      },
    });
  });

  it('leaves out an environment the provisioner has not answered for yet: a resumed stage waits for it again', () => {
    const stage = { ...rowsOf({ ...emptyState(), stages: { deploy: { status: 'running' } } }).stages[0]! };
    const provisioning = {
      id: 'env-2',
      stageRunId: stage.id,
      name: 'test',
      status: 'provisioning',
      url: null,
      requestedAt: new Date(T0),
      readyAt: null,
      destroyRequestedAt: null,
      releaseError: null,
    } as StageEnvironment;

    expect(runStateOf(run, [stage], [], [provisioning]).stages.deploy).toEqual({ status: 'running' });
  });
});

function emptyState(): RunState {
  return { schemaVersion: 1, runId: 'run-1', status: 'running', startedAt: T0, stages: {}, tasks: {} };
}
