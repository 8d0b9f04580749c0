import { percentile, round } from './bench-stats';

describe(percentile.name, () => {
  it('takes the nearest rank', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rounds for display', () => {
    expect(round(1.2345, 2)).toBe(1.23);
  });
});
