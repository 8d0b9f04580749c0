import { changeFailureRateBand, leadTimeBand, timeToRestoreBand } from './dora-bands';
import { classifyFrequency, computeDoraMetrics, daysOf, median } from './dora-metrics';

describe(median.name, () => {
  it('is the middle value, the mean of the two middle ones, or nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe(daysOf.name, () => {
  it('lists every UTC day the range touches, the end excluded', () => {
    expect(daysOf(new Date('2026-11-01T12:00:00Z'), new Date('2026-11-03T00:00:00Z'))).toEqual([
      '2026-11-01',
      '2026-11-02',
    ]);
    expect(daysOf(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-03T00:00:01Z'))).toHaveLength(3);
  });
});

describe(classifyFrequency.name, () => {
  // 2026-11-01 is a Sunday: the four weeks of November 1-28 are whole weeks.
  const november = daysOf(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-29T00:00:00Z'));
  const on = (...days: number[]) => new Set(days.map((d) => `2026-11-${String(d).padStart(2, '0')}`));

  it('is daily when the median week has deployments on 3 days or more', () => {
    expect(classifyFrequency(november, on(2, 3, 4, 9, 10, 11, 16, 17, 18, 23))).toBe('daily');
  });

  it('is weekly when most weeks have a deployment', () => {
    // Weeks 1-3 deploy (on 1, 2 and 3 days), week 4 does not: medians 1.5 days and 1 week.
    expect(classifyFrequency(november, on(2, 9, 10, 16, 17, 18))).toBe('weekly');
  });

  it('is monthly when the median month has a deployed week', () => {
    expect(classifyFrequency(november, on(2))).toBe('monthly');
  });

  it('is yearly without a deployment in the range', () => {
    expect(classifyFrequency(november, on())).toBe('yearly');
  });
});

describe(computeDoraMetrics.name, () => {
  it('counts nothing and bands nothing it has no data for', () => {
    const sut = computeDoraMetrics({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-08T00:00:00Z'),
      deployments: [],
      incidents: [{ detectedAt: new Date('2026-11-02T00:00:00Z'), resolvedAt: null }],
    });

    expect(sut.deploymentFrequency).toMatchObject({ deployments: 0, perDay: 0, frequency: 'yearly', band: 'low' });
    expect(sut.deploymentFrequency.daily).toHaveLength(7);
    expect(sut.leadTimeForChanges).toMatchObject({ medianMinutes: null, band: null, daily: [] });
    expect(sut.changeFailureRate).toMatchObject({ rate: null, band: null });
    expect(sut.timeToRestore).toMatchObject({ medianMinutes: null, incidents: 0, unresolved: 1, band: null });
  });

  it('ignores lead times of zero or less, as Four Keys ignores automated pushes', () => {
    const at = new Date('2026-11-02T12:00:00Z');
    const sut = computeDoraMetrics({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-08T00:00:00Z'),
      deployments: [
        { deployedAt: at, commitTime: new Date('2026-11-02T11:00:00Z'), failed: false },
        { deployedAt: at, commitTime: at, failed: false },
        { deployedAt: at, commitTime: null, failed: false },
      ],
      incidents: [],
    });

    expect(sut.leadTimeForChanges).toMatchObject({ medianMinutes: 60, changes: 1, withoutCommitTime: 1 });
  });
});

describe('DORA bands', () => {
  it('draws the lines of the 2023/2024 State of DevOps levels', () => {
    expect([60, 24 * 60 - 1, 24 * 60, 7 * 24 * 60, 730 * 60].map(leadTimeBand)).toEqual([
      'elite',
      'elite',
      'high',
      'medium',
      'low',
    ]);
    expect([0, 0.05, 0.1, 0.15, 0.16].map(changeFailureRateBand)).toEqual(['elite', 'elite', 'high', 'medium', 'low']);
    expect([59, 60, 24 * 60, 7 * 24 * 60].map(timeToRestoreBand)).toEqual(['elite', 'high', 'medium', 'low']);
  });
});
