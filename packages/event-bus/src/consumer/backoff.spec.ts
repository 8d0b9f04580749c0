import { backoffDelay } from './backoff';

describe(backoffDelay.name, () => {
  it('doubles the ceiling per attempt and keeps at least half of it', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(30, 100, 2_000, () => 1)).toBe(2_000);
  });
});
