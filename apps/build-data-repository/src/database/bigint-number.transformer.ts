import type { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string (it may exceed 2^53); the values we keep there (ms, counters) never do. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
