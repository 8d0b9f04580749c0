import { parsePriceCatalog } from '../prices/price-catalog';
import { billableMs, calculateCosts, type ResourceUsage } from './cost-calculator';

const catalog = parsePriceCatalog(
  'currency: USD\nprices:\n  process:\n    small: 0.05\n    medium: 0.20\n  vm:\n    large: 0.333333\n',
  'test.yml',
);

const at = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`);
const now = at('12:00');

let counter = 0;
function resource(overrides: Partial<ResourceUsage> = {}): ResourceUsage {
  counter += 1;
  return {
    environmentId: 'env-1',
    resourceId: `res-${counter}`,
    type: 'process',
    size: 'small',
    key: 'team-a',
    startedAt: at('08:00'),
    endedAt: at('10:00'),
    ...overrides,
  };
}

describe(calculateCosts.name, () => {
  it('prices hours x price per hour, per group', () => {
    const sut = calculateCosts(
      [resource(), resource({ size: 'medium' }), resource({ key: 'team-b', endedAt: at('09:00') })],
      catalog,
      { now },
    );

    expect(sut.items).toEqual([
      { key: 'team-a', cost: 0.5, resourceHours: 4 }, // 2 h x 0.05 + 2 h x 0.20
      { key: 'team-b', cost: 0.05, resourceHours: 1 },
    ]);
    expect(sut.unpriced).toEqual([]);
  });

  it('charges a resource that is still running until now', () => {
    const sut = calculateCosts([resource({ startedAt: at('11:00'), endedAt: null })], catalog, { now });

    expect(sut.items).toEqual([{ key: 'team-a', cost: 0.05, resourceHours: 1 }]);
  });

  it('counts only the part of a lifetime inside the window', () => {
    const sut = calculateCosts([resource({ startedAt: at('08:00'), endedAt: null })], catalog, {
      from: at('09:30'),
      to: at('11:00'),
      now,
    });

    expect(sut.items).toEqual([{ key: 'team-a', cost: 0.075, resourceHours: 1.5 }]); // 1.5 h x 0.05
  });

  it('leaves out lifetimes that do not overlap the window', () => {
    const sut = calculateCosts([resource({ startedAt: at('08:00'), endedAt: at('09:00') })], catalog, {
      from: at('09:00'),
      now,
    });

    expect(sut).toEqual({ items: [], unpriced: [] });
  });

  it('lists resources without a price instead of counting them as free', () => {
    const sut = calculateCosts(
      [resource(), resource({ resourceId: 'db-1', type: 'postgres', size: 'small', key: 'team-b' })],
      catalog,
      { now },
    );

    expect(sut.items).toEqual([{ key: 'team-a', cost: 0.1, resourceHours: 2 }]);
    expect(sut.unpriced).toEqual([
      { key: 'team-b', environmentId: 'env-1', resourceId: 'db-1', type: 'postgres', size: 'small', resourceHours: 2 },
    ]);
  });

  it('rounds once per group, so many small amounts add up exactly', () => {
    // 1000 resources of 1 s at 0.333333/h: each is 0.0000925925 (rounded alone: 0.000093), together 0.0925925.
    const many = Array.from({ length: 1000 }, () =>
      resource({ type: 'vm', size: 'large', startedAt: at('08:00'), endedAt: new Date(at('08:00').getTime() + 1000) }),
    );

    const sut = calculateCosts(many, catalog, { now });

    expect(sut.items).toEqual([{ key: 'team-a', cost: 0.092593, resourceHours: 0.2778 }]);
  });

  it('prices even a few seconds, rounded half up to micro-units', () => {
    // 0.05/h for 9 s = 0.000125; for 1 s = 0.0000138(8) -> 0.000014
    const nineSeconds = calculateCosts([resource({ endedAt: new Date(at('08:00').getTime() + 9_000) })], catalog, { now });
    const oneSecond = calculateCosts([resource({ endedAt: new Date(at('08:00').getTime() + 1_000) })], catalog, { now });

    expect(nineSeconds.items[0]?.cost).toBe(0.000125);
    expect(oneSecond.items[0]?.cost).toBe(0.000014);
  });

  it('orders groups by cost, most expensive first', () => {
    const sut = calculateCosts(
      [resource({ key: 'small-spender' }), resource({ key: 'big-spender', size: 'medium' })],
      catalog,
      { now },
    );

    expect(sut.items.map((i) => i.key)).toEqual(['big-spender', 'small-spender']);
  });
});

describe(billableMs.name, () => {
  it('is zero for a lifetime that ends before the window starts', () => {
    expect(billableMs({ startedAt: at('08:00'), endedAt: at('09:00') }, { from: at('10:00'), now })).toBe(0);
  });

  it('ends an open lifetime at the end of the window when that is before now', () => {
    expect(billableMs({ startedAt: at('08:00'), endedAt: null }, { to: at('09:00'), now })).toBe(3_600_000);
  });
});
