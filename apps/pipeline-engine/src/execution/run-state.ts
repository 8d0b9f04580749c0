import type { RunState, StageEnvironmentState, StageState, TaskState } from '@pipewright/engine-core';
import type { EntityManager } from 'typeorm';
import { decisionOf } from '../approvals/approval.service';
import { StageEnvironment } from '../environments/stage-environment.entity';
import { isFinished, type FinishedStatus, type StageStatus, type TaskStatus } from '../runs/run-status';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';

/**
 * The run's rows are the durable form of engine-core's RunState: the reporter writes the state into
 * them (`stageRowOf`, `taskRowOf`) as the executor goes, and `runStateOf` reads it back to resume.
 * Nothing else is kept: a state that cannot be rebuilt from the rows would not survive a crash.
 */

const date = (text: string | undefined) => (text === undefined ? null : new Date(text));

/** The graph's task id of a task row: `<stage>.<task>`. */
export function taskIdOf(stageName: string, taskName: string): string {
  return `${stageName}.${taskName}`;
}

/** Loads the state of a run from its rows; undefined when the run does not exist. */
export async function loadRunState(manager: EntityManager, runId: string): Promise<RunState | undefined> {
  const run = await manager.findOneBy(Run, { id: runId });
  if (!run) return undefined;
  const [stages, tasks, environments] = await Promise.all([
    manager.find(StageRun, { where: { runId }, order: { position: 'ASC' } }),
    manager.find(TaskRun, { where: { runId }, order: { position: 'ASC' } }),
    manager.find(StageEnvironment, { where: { runId }, order: { requestedAt: 'ASC' } }),
  ]);
  return runStateOf(run, stages, tasks, environments);
}

export function runStateOf(
  run: Pick<Run, 'id' | 'status' | 'createdAt' | 'startedAt' | 'finishedAt'>,
  stages: readonly StageRun[],
  tasks: readonly TaskRun[],
  environments: readonly StageEnvironment[],
): RunState {
  const finished = isFinished(run.status);
  const state: RunState = {
    schemaVersion: 1,
    runId: run.id,
    status: finished ? 'finished' : 'running',
    startedAt: (run.startedAt ?? run.createdAt).toISOString(),
    stages: {},
    tasks: {},
  };
  if (finished) {
    // An engine error is not one of the executor's outcomes; for it the run simply did not succeed.
    state.outcome = run.status === 'success' || run.status === 'cancel' ? run.status : 'failure';
    if (run.finishedAt) state.finishedAt = run.finishedAt.toISOString();
  }
  const stageNames = new Map<string, string>();
  for (const stage of stages) {
    stageNames.set(stage.id, stage.name);
    const provided = environments.filter((e) => e.stageRunId === stage.id && e.readyAt !== null).at(-1);
    state.stages[stage.name] = stageStateOf(stage, provided);
  }
  for (const task of tasks) {
    const stageName = stageNames.get(task.stageRunId);
    if (stageName === undefined) continue;
    state.tasks[taskIdOf(stageName, task.name)] = taskStateOf(stageName, task);
  }
  return state;
}

function stageStateOf(stage: StageRun, environment: StageEnvironment | undefined): StageState {
  const state: StageState = { status: stageStatusOf(stage.status) };
  if (state.status === 'finished') state.outcome = stage.status as NonNullable<StageState['outcome']>;
  if (stage.errors !== null) state.reason = stage.errors;
  if (stage.startedAt) state.startedAt = stage.startedAt.toISOString();
  if (stage.finishedAt) state.finishedAt = stage.finishedAt.toISOString();
  if (stage.approvalRequestedAt) {
    const decision = decisionOf(stage);
    state.approval = { requestedAt: stage.approvalRequestedAt.toISOString(), ...(decision ? { decision } : {}) };
  }
  if (environment) state.environment = environmentStateOf(environment);
  if (stage.reused) state.reused = true;
  return state;
}

function stageStatusOf(status: StageStatus): StageState['status'] {
  switch (status) {
    case 'pending':
    case 'running':
      return status;
    case 'waiting-approval':
      return 'waiting-for-approval';
    case 'success':
    case 'failure':
    case 'error':
    case 'cancel':
    case 'skipped':
      return 'finished';
  }
}

/** An environment is in the state once the provisioner said it is ready: from then on it is reused on resume. */
function environmentStateOf(environment: StageEnvironment): StageEnvironmentState {
  return {
    name: environment.name,
    lifetime: 'ephemeral',
    url: environment.url ?? '',
    details: { environmentId: environment.id },
    providedAt: (environment.readyAt ?? environment.requestedAt).toISOString(),
    ...(environment.destroyRequestedAt ? { releasedAt: environment.destroyRequestedAt.toISOString() } : {}),
    ...(environment.releaseError !== null ? { releaseError: environment.releaseError } : {}),
  };
}

function taskStateOf(stage: string, task: TaskRun): TaskState {
  const finished = isFinished(task.status);
  const state: TaskState = {
    stage,
    name: task.name,
    status: finished ? 'finished' : (task.status as Exclude<TaskStatus, FinishedStatus>),
    attempts: task.attempt,
    outputs: task.outputs,
  };
  if (finished) state.outcome = task.status as NonNullable<TaskState['outcome']>;
  if (task.attempt > 0) {
    state.exitCode = task.exitCode;
    state.timedOut = task.timedOut;
  }
  if (task.startedAt) state.startedAt = task.startedAt.toISOString();
  if (task.finishedAt) state.finishedAt = task.finishedAt.toISOString();
  if (task.durationMs !== null) state.durationMs = task.durationMs;
  if (task.errors !== null) state.reason = task.errors;
  if (task.reused) state.reused = true;
  return state;
}

/** The columns of a stage row that hold its state (the approval decision has its own writer). */
export function stageRowOf(
  state: StageState,
): Pick<StageRun, 'status' | 'errors' | 'startedAt' | 'finishedAt' | 'approvalRequestedAt' | 'reused'> {
  return {
    status: rowStageStatus(state),
    errors: state.reason ?? null,
    startedAt: date(state.startedAt),
    finishedAt: date(state.finishedAt),
    approvalRequestedAt: date(state.approval?.requestedAt),
    reused: state.reused === true,
  };
}

function rowStageStatus(state: StageState): StageStatus {
  switch (state.status) {
    case 'pending':
    case 'running':
      return state.status;
    case 'waiting-for-approval':
      return 'waiting-approval';
    case 'finished':
      return state.outcome ?? 'error';
  }
}

export function taskRowOf(
  state: TaskState,
): Pick<
  TaskRun,
  | 'status'
  | 'attempt'
  | 'exitCode'
  | 'timedOut'
  | 'durationMs'
  | 'outputs'
  | 'errors'
  | 'startedAt'
  | 'finishedAt'
  | 'reused'
> {
  return {
    status: state.status === 'finished' ? (state.outcome ?? 'error') : state.status,
    attempt: state.attempts,
    exitCode: state.exitCode ?? null,
    timedOut: state.timedOut ?? false,
    durationMs: state.durationMs === undefined ? null : Math.round(state.durationMs),
    outputs: state.outputs,
    errors: state.reason ?? null,
    startedAt: date(state.startedAt),
    finishedAt: date(state.finishedAt),
    reused: state.reused === true,
  };
}
