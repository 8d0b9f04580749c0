import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up after this long. Default 10 000 ms. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout error: "the run to finish". */
  description?: string;
}

/** The condition did not hold within the time allowed. */
export class WaitForTimeoutError extends Error {
  readonly code = 'WAIT_FOR_TIMEOUT';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WaitForTimeoutError';
  }
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

const pending = Symbol('pending');

/**
 * Polls `predicate` until it returns a truthy value, and returns that value. A predicate that
 * throws counts as "not yet"; the last error is quoted in the timeout error and is its cause.
 * An attempt that hangs is cut off at the deadline, so this always settles within about `timeoutMs`.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    const deadlineReached = new AbortController();
    try {
      const value = await Promise.race([
        Promise.resolve().then(predicate),
        sleep(Math.max(0, deadline - Date.now()), pending, { signal: deadlineReached.signal }),
      ]);
      if (value !== pending && value) return value as Truthy<T>;
      if (value !== pending) lastError = undefined;
    } catch (error) {
      lastError = error;
    } finally {
      deadlineReached.abort();
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const reason = lastError === undefined ? '' : `; last error: ${errorMessage(lastError)}`;
      throw new WaitForTimeoutError(
        `Timed out after ${timeoutMs} ms waiting for ${description} (${attempts} attempts)${reason}`,
        {
          cause: lastError,
        },
      );
    }
    await sleep(Math.min(intervalMs, left));
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
