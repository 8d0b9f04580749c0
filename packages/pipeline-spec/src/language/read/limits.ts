import { type RetryPolicy } from '../../graph/pipeline-graph';

/** Defaults and upper bounds of the durations the language accepts, in one place (LANGUAGE.md quotes them). */

export const DEFAULT_TIMEOUT_MS = 3_600_000;
/** The longest a task may run, and the longest delay between its attempts. */
export const MAX_TIMEOUT_MS = 86_400_000;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 1, initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 };
export const MAX_APPROVAL_TIMEOUT_MS = 30 * 86_400_000;
export const MAX_READY_TIMEOUT_MS = 600_000;
export const DEFAULT_READY_TIMEOUT_S = 60;
