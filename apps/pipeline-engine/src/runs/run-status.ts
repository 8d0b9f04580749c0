import type { Outcome } from '@pipewright/contracts';

/** queued -> running -> an outcome. A run waits in `queued` until the build-data repository gives it a version. */
export type RunStatus = 'queued' | 'running' | Outcome;

/**
 * pending -> (waiting-approval ->) running -> an outcome, or pending -> skipped when a stage it needs did
 * not succeed. A stage that is rejected goes from waiting-approval to `failure` without running.
 */
export type StageStatus = 'pending' | 'waiting-approval' | 'running' | Outcome | 'skipped';

/** pending -> running (-> retrying -> running ...) -> an outcome, or pending -> skipped. */
export type TaskStatus = 'pending' | 'running' | 'retrying' | Outcome | 'skipped';

/** Statuses a stage or task has once it is over. */
export const FINISHED_STATUSES = ['success', 'failure', 'cancel', 'error', 'skipped'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

export function isFinished(status: string): status is FinishedStatus {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}
