import { approversOf } from '../approvals/approvers';
import type { LongLivedEnvironment, LongLivedEnvironmentStatus } from '../environments/long-lived-environment.entity';
import type { StageEnvironment, StageEnvironmentStatus } from '../environments/stage-environment.entity';
import type { RunStatus, StageStatus, TaskStatus } from './run-status';
import type { Run } from './run.entity';
import type { StageRun } from './stage-run.entity';
import type { TaskRun } from './task-run.entity';

/** `POST /runs` answer. */
export interface QueuedRunDto {
  id: string;
  status: RunStatus;
}

/** `GET /runs/:id` answer: the run with its stages, their environments and tasks, in order. */
export interface RunDto {
  id: string;
  pipeline: string;
  component: string;
  team: string;
  solution: string;
  revision: string | null;
  version: string | null;
  status: RunStatus;
  errors: string | null;
  trigger: Run['trigger'];
  /**
   * The engine instance running it now (PIPEWRIGHT_ENGINE_INSTANCE_ID) and until when its lease holds
   * unless renewed; null while queued, waiting for an approval with nobody holding it, or finished.
   */
  lease: { instance: string; expiresAt: string } | null;
  /** Set once someone asked to cancel the run (POST /runs/:id/cancel): when, who (if known) and why. */
  cancellation: { requestedAt: string; by: string | null; reason: string | null } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stages: StageRunDto[];
}

export interface StageRunDto {
  id: string;
  name: string;
  status: StageStatus;
  errors: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Null for a stage without approval. */
  approval: StageApprovalDto | null;
  environment: StageEnvironmentDto | null;
  /** Taken over from the run this one re-runs (POST /runs/:id/rerun): it did not run again. */
  reused: boolean;
  tasks: TaskRunDto[];
}

export interface StageApprovalDto {
  approvers: string[];
  /** When the stage started waiting; null until its `needs` succeeded. */
  requestedAt: string | null;
  decision: 'approved' | 'rejected' | null;
  by: string | null;
  at: string | null;
  comment: string | null;
}

export interface StageEnvironmentDto {
  id: string;
  name: string;
  /** `ephemeral`: made for this run (its status is of that); `long-lived`: the one of its name the stage ran in, as it is now. */
  lifetime: 'ephemeral' | 'long-lived';
  status: StageEnvironmentStatus | LongLivedEnvironmentStatus;
  url: string | null;
  failureReason: string | null;
}

export interface TaskRunDto {
  id: string;
  name: string;
  status: TaskStatus;
  attempt: number;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number | null;
  logLines: number;
  outputs: Record<string, string>;
  errors: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** Taken over from the run this one re-runs, with its outputs: it did not run again. */
  reused: boolean;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A run in `GET /runs`: what `GET /runs/:id` says, without the stages. */
export type RunSummaryDto = Omit<RunDto, 'stages'>;

export function toRunSummaryDto(run: Run): RunSummaryDto {
  return {
    id: run.id,
    pipeline: run.pipelineName,
    component: run.component,
    team: run.team,
    solution: run.solution,
    revision: run.revision,
    version: run.version,
    status: run.status,
    errors: run.errors,
    trigger: run.trigger,
    lease:
      run.leaseOwner === null || run.leaseExpiresAt === null
        ? null
        : { instance: run.leaseOwner, expiresAt: run.leaseExpiresAt.toISOString() },
    cancellation:
      run.cancelRequestedAt === null
        ? null
        : { requestedAt: run.cancelRequestedAt.toISOString(), by: run.cancelRequestedBy, reason: run.cancelReason },
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
  };
}

export function toRunDto(
  run: Run,
  stages: readonly StageRun[],
  tasks: readonly TaskRun[],
  environments: readonly StageEnvironment[],
  longLivedEnvironments: readonly LongLivedEnvironment[] = [],
): RunDto {
  return {
    ...toRunSummaryDto(run),
    stages: [...stages]
      .sort((a, b) => a.position - b.position)
      .map((stage) => {
        // The latest request wins should a stage ever ask twice (a re-run, a later issue).
        const environment = environments.filter((e) => e.stageRunId === stage.id).at(-1);
        const longLived = longLivedEnvironments.find((e) => e.environmentId === stage.longLivedEnvironmentId);
        const approvers = approversOf(run.definition, stage.name);
        return {
          id: stage.id,
          name: stage.name,
          status: stage.status,
          errors: stage.errors,
          startedAt: iso(stage.startedAt),
          finishedAt: iso(stage.finishedAt),
          approval:
            approvers.length > 0
              ? {
                  approvers,
                  requestedAt: iso(stage.approvalRequestedAt),
                  decision: stage.approvalDecision,
                  by: stage.approvalBy,
                  at: iso(stage.approvalAt),
                  comment: stage.approvalComment,
                }
              : null,
          environment: environment
            ? {
                id: environment.id,
                name: environment.name,
                lifetime: 'ephemeral',
                status: environment.status,
                url: environment.url,
                failureReason: environment.failureReason,
              }
            : longLived
              ? {
                  id: longLived.environmentId,
                  name: longLived.name,
                  lifetime: 'long-lived',
                  status: longLived.status,
                  url: longLived.url,
                  failureReason: longLived.failureReason,
                }
              : null,
          reused: stage.reused,
          tasks: tasks
            .filter((task) => task.stageRunId === stage.id)
            .sort((a, b) => a.position - b.position)
            .map((task) => ({
              id: task.id,
              name: task.name,
              status: task.status,
              attempt: task.attempt,
              exitCode: task.exitCode,
              timedOut: task.timedOut,
              durationMs: task.durationMs,
              logLines: task.logLines,
              outputs: task.outputs,
              errors: task.errors,
              startedAt: iso(task.startedAt),
              finishedAt: iso(task.finishedAt),
              reused: task.reused,
            })),
        };
      }),
  };
}
