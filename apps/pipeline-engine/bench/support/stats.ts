export { benchLog as log, percentile, round } from '@pipewright/testing';

/** Wall-clock milliseconds with sub-millisecond precision, comparable with `date +%s%N` in a task. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/** `date +%s%N` output (nanoseconds since the epoch) as milliseconds. */
export const nanosToMs = (text: string) => Number(BigInt(text.trim()) / 1_000n) / 1_000;
