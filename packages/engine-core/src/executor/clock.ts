import type { RetryPolicy } from '@pipewright/pipeline-spec';
import type { Clock } from './executor.types';

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * How long to wait after failed attempt `attempt` (1-based): `min(maxDelayMs, initialDelayMs * 2^(attempt-1))`,
 * less a random part of up to `jitter` of it.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}
