import { retryDelayMs } from './webhook-retry';

describe(retryDelayMs.name, () => {
  it('doubles from the base up to the cap, jittered within the upper half', () => {
    const top = () => 1;
    const bottom = () => 0;

    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1_000, 5_000, top))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(retryDelayMs(3, 1_000, 5_000, bottom)).toBe(2_000);
  });
});
