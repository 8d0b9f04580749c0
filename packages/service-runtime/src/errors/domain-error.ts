export interface DomainErrorOptions {
  /** Safe to show to the caller; ends up in the problem body's `details`. */
  readonly details?: unknown;
  /** The underlying error; logged, never sent to the caller. */
  readonly cause?: unknown;
}

/**
 * Base class of every error a service throws on purpose. The `code` (`<area>.<what>`, e.g. `run.not_found`)
 * decides the HTTP status in `ProblemDetailsFilter`; the message is written for the caller.
 *
 * ```ts
 * export class RunNotFound extends DomainError {
 *   constructor(runId: string) {
 *     super('run.not_found', `Run ${runId} does not exist`, { details: { runId } });
 *   }
 * }
 * ```
 */
export class DomainError extends Error {
  readonly details?: unknown;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.details !== undefined) this.details = options.details;
  }
}
