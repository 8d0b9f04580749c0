/**
 * The wait before attempt `attempt + 1` after attempt `attempt` failed: exponential from `baseMs`
 * (base, 2 x base, 4 x base, ...), capped at `maxMs`, with jitter in its upper half so receivers that
 * failed together are not retried together.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
