import type { Outcome } from '@pipewright/contracts';

/** queued -> running -> an outcome. A run waits in `queued` until the build-data repository gives it a version. */
export type RunStatus = 'queued' | 'running' | Outcome;

/** pending -> running -> an outcome, or pending -> skipped when an earlier stage failed. */
export type StageStatus = 'pending' | 'running' | Outcome | 'skipped';

/** pending -> running -> an outcome, or pending -> skipped when an earlier task failed. */
export type TaskStatus = 'pending' | 'running' | Outcome | 'skipped';
