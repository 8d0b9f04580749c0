export { benchLog as log, percentile, round } from '@pipewright/testing';

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number) => performance.now() - start;
