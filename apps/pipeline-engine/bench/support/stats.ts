/** The p-th percentile (0..100) of `samples`, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Wall-clock milliseconds with sub-millisecond precision, comparable with `date +%s%N` in a task. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/** `date +%s%N` output (nanoseconds since the epoch) as milliseconds. */
export const nanosToMs = (text: string) => Number(BigInt(text.trim()) / 1_000n) / 1_000;

export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
