import type {
  PipelineRunFinished,
  PipelineRunQueued,
  PipelineRunStarted,
  TaskRunFinished,
  TaskRunStarted,
} from '@pipewright/contracts';
import { earliest, forwardOnly, keepFirst, type MergeRules } from '../database/merge-upsert';
import type { Run } from './run.entity';
import type { TaskRun } from './task-run.entity';

/**
 * How run events become rows. Events of a run arrive out of order and more than once (redeliveries,
 * re-publications); every order of every duplicate must end in the same row. So a status only moves
 * forward, a value one event type reports is kept from its first delivery, and a start reported by
 * two events is the earlier of the two.
 */

/** In the order a run moves through them. */
export const RUN_STATUSES = ['queued', 'running', 'finished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TASK_RUN_STATUSES = ['running', 'finished'] as const;
export type TaskRunStatus = (typeof TASK_RUN_STATUSES)[number];

type WithRequired<T, K extends keyof T> = Pick<T, K> & Partial<Omit<T, K | 'updatedAt' | 'listedAt'>>;

export type RunPatch = WithRequired<Run, 'id' | 'pipelineName' | 'component' | 'team' | 'solution' | 'status'>;
export type TaskRunPatch = WithRequired<
  TaskRun,
  'id' | 'runId' | 'component' | 'stage' | 'taskName' | 'attempt' | 'status'
>;

export const runMergeRules: MergeRules<RunPatch> = {
  pipelineName: keepFirst,
  component: keepFirst,
  team: keepFirst,
  solution: keepFirst,
  revision: keepFirst,
  trigger: keepFirst,
  definition: keepFirst,
  status: forwardOnly(RUN_STATUSES),
  outcome: keepFirst,
  errors: keepFirst,
  version: keepFirst,
  queuedAt: keepFirst,
  startedAt: keepFirst,
  finishedAt: keepFirst,
  durationMs: keepFirst,
};

export const taskRunMergeRules: MergeRules<TaskRunPatch> = {
  runId: keepFirst,
  component: keepFirst,
  stage: keepFirst,
  taskName: keepFirst,
  attempt: keepFirst,
  status: forwardOnly(TASK_RUN_STATUSES),
  outcome: keepFirst,
  exitCode: keepFirst,
  errors: keepFirst,
  // Reported by taskrun.started (its timestamp) and taskrun.finished (customData.startedAt).
  startedAt: earliest,
  finishedAt: keepFirst,
  durationMs: keepFirst,
};

function ownership(event: PipelineRunQueued | PipelineRunStarted | PipelineRunFinished) {
  return {
    id: event.subject.id,
    pipelineName: event.subject.content.pipelineName,
    component: event.customData.component,
    team: event.customData.team,
    solution: event.customData.solution,
  };
}

/**
 * `version`: the one the build-data repository allocated for the run while recording this event (the
 * recorder writes it separately, after allocating; the allocated version wins), or the one a re-run
 * continues (the event's own, for which none is allocated).
 */
export function queuedRun(event: PipelineRunQueued, version = event.customData.version): RunPatch {
  return {
    ...ownership(event),
    status: 'queued',
    revision: event.customData.revision ?? null,
    trigger: event.customData.trigger,
    definition: event.customData.definition,
    ...(version === undefined ? {} : { version }),
    queuedAt: new Date(event.context.timestamp),
  };
}

export function startedRun(event: PipelineRunStarted): RunPatch {
  return {
    ...ownership(event),
    status: 'running',
    version: event.customData.version,
    startedAt: new Date(event.context.timestamp),
  };
}

export function finishedRun(event: PipelineRunFinished): RunPatch {
  return {
    ...ownership(event),
    status: 'finished',
    outcome: event.subject.content.outcome,
    errors: event.subject.content.errors ?? null,
    version: event.customData.version,
    finishedAt: new Date(event.context.timestamp),
    durationMs: event.customData.durationMs,
  };
}

function placement(event: TaskRunStarted | TaskRunFinished) {
  return {
    id: event.subject.id,
    runId: event.subject.content.pipelineRun.id,
    component: event.customData.component,
    stage: event.customData.stage,
    taskName: event.subject.content.taskName,
    attempt: event.customData.attempt,
  };
}

export function startedTaskRun(event: TaskRunStarted): TaskRunPatch {
  return { ...placement(event), status: 'running', startedAt: new Date(event.context.timestamp) };
}

export function finishedTaskRun(event: TaskRunFinished): TaskRunPatch {
  return {
    ...placement(event),
    status: 'finished',
    outcome: event.subject.content.outcome,
    exitCode: event.customData.exitCode,
    errors: event.subject.content.errors ?? null,
    startedAt: new Date(event.customData.startedAt),
    finishedAt: new Date(event.context.timestamp),
    durationMs: event.customData.durationMs,
  };
}
