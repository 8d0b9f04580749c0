export type ExecutorErrorCode =
  /** A reporter method threw or rejected; the run stopped unfinished (resume it from its state). */
  | 'reporter-failed'
  /** `options.previous` is not a state this executor can continue from. */
  | 'invalid-state'
  /** `options.to` / `options.only` names no stage or task, or is ambiguous. */
  | 'invalid-target'
  /** Options that contradict each other or are out of range. */
  | 'invalid-options';

export class ExecutorError extends Error {
  constructor(
    readonly code: ExecutorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutorError';
  }
}

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function errorMessage(error: unknown): string {
  return toError(error).message;
}
