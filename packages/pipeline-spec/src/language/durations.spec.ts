import { formatDuration, parseDuration } from './durations';

describe(parseDuration.name, () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['30', '5 minutes', '1.5h', 'm5', ''])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe(formatDuration.name, () => {
  it('writes the shortest form back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(1500)).toBe('1s500ms');
  });
});
