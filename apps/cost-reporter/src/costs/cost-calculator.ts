import { MICROS_PER_UNIT, type PriceCatalog } from '../prices/price-catalog';

const MS_PER_HOUR = 3_600_000n;

/** What the calculator needs of one resource lifetime. */
export interface ResourceUsage {
  environmentId: string;
  resourceId: string;
  type: string;
  size: string;
  /** The value of the grouping tag (the team, the service, ...). */
  key: string;
  startedAt: Date;
  /** Null while it runs: it costs until `now`. */
  endedAt: Date | null;
}

/** Only the part of each lifetime inside [from, to) counts; an open end is `now`. */
export interface CostWindow {
  from?: Date | undefined;
  to?: Date | undefined;
  now: Date;
}

export interface CostItem {
  key: string;
  /**
   * In the catalog's currency, rounded to micro-units (the catalog's own precision): an ephemeral
   * environment that lived a minute costs a fraction of a cent, and a report must not show it as free.
   */
  cost: number;
  resourceHours: number;
}

/** A resource the catalog has no price for: reported, never counted as free. */
export interface UnpricedResource {
  key: string;
  environmentId: string;
  resourceId: string;
  type: string;
  size: string;
  resourceHours: number;
}

export interface CostBreakdown {
  items: CostItem[];
  unpriced: UnpricedResource[];
}

/**
 * Sums cost per group: hours in the window x price per hour. The sum is kept exact as a BigInt of
 * milliseconds x micro-units per hour and rounded to micro-units once per group, so no float error
 * accumulates however many resources a group has.
 */
export function calculateCosts(
  resources: Iterable<ResourceUsage>,
  catalog: PriceCatalog,
  window: CostWindow,
): CostBreakdown {
  const groups = new Map<string, { msTimesMicrosPerHour: bigint; ms: number }>();
  const unpriced: UnpricedResource[] = [];

  for (const resource of resources) {
    const ms = billableMs(resource, window);
    if (ms <= 0) continue;
    const microsPerHour = catalog.microsPerHour(resource.type, resource.size);
    if (microsPerHour === undefined) {
      const { key, environmentId, resourceId, type, size } = resource;
      unpriced.push({ key, environmentId, resourceId, type, size, resourceHours: hours(ms) });
      continue;
    }
    const group = groups.get(resource.key) ?? { msTimesMicrosPerHour: 0n, ms: 0 };
    group.msTimesMicrosPerHour += BigInt(ms) * BigInt(microsPerHour);
    group.ms += ms;
    groups.set(resource.key, group);
  }

  const items = [...groups].map(([key, group]) => ({
    key,
    cost: Number(divideRoundingHalfUp(group.msTimesMicrosPerHour, MS_PER_HOUR)) / MICROS_PER_UNIT,
    resourceHours: hours(group.ms),
  }));
  items.sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  unpriced.sort((a, b) => a.key.localeCompare(b.key) || a.resourceId.localeCompare(b.resourceId));
  return { items, unpriced };
}

/** Milliseconds of the lifetime inside the window (0 when they do not overlap). */
export function billableMs(resource: Pick<ResourceUsage, 'startedAt' | 'endedAt'>, window: CostWindow): number {
  const start = Math.max(resource.startedAt.getTime(), window.from?.getTime() ?? -Infinity);
  const end = Math.min(resource.endedAt?.getTime() ?? window.now.getTime(), window.to?.getTime() ?? Infinity);
  return Math.max(0, end - start);
}

/** Hours for people, to 4 decimal places (0.36 s): hours are not money, but they should read cleanly. */
function hours(ms: number): number {
  return Math.round(ms / 360) / 10_000;
}

function divideRoundingHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}
