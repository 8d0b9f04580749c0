import {
  changeFailureRateBand,
  deploymentFrequencyBand,
  leadTimeBand,
  timeToRestoreBand,
  type DeploymentFrequency,
  type DoraBand,
} from './dora-bands';

/**
 * The four keys computed from stored deployments and incidents, following Google's Four Keys
 * (github.com/dora-team/fourkeys: queries/*.sql and the dashboard's metric queries):
 * - deployment frequency: successful production deployments, bucketed per UTC day; the class (daily,
 *   weekly, monthly, yearly) from medians over weeks, exactly as Four Keys' "Deployment Frequency" query.
 * - lead time for changes: per deployment, deployment time minus its change's commit time; a lead time of
 *   zero or less is ignored (Four Keys: "ignore automated pushes"); the median (PERCENTILE_CONT 0.5),
 *   overall and per day of deployment. Four Keys counts whole minutes; we keep the exact duration.
 * - change failure rate: deployments that failed / deployments, overall and per day of deployment.
 * - time to restore: median of resolved - detected over the incidents detected in the range (resolved
 *   ones), overall and per day of detection. Four Keys counts whole hours; we keep minutes.
 * What counts as a failed deployment and which deployments and incidents are in scope is the caller's
 * (dora.service.ts) business; here it is arithmetic over facts.
 */

export interface DeploymentFact {
  deployedAt: Date;
  /** When the deployed revision was committed; null when the deployment event did not say. */
  commitTime: Date | null;
  /** It caused an incident or was rolled back. */
  failed: boolean;
}

export interface IncidentFact {
  detectedAt: Date;
  /** Null while unresolved. */
  resolvedAt: Date | null;
}

export interface DoraMetrics {
  deploymentFrequency: {
    deployments: number;
    perDay: number;
    perWeek: number;
    frequency: DeploymentFrequency;
    band: DoraBand;
    daily: { day: string; deployments: number }[];
  };
  leadTimeForChanges: {
    medianMinutes: number | null;
    /** Deployments whose lead time counted. */
    changes: number;
    /** Deployments without a commit time (no lead time). */
    withoutCommitTime: number;
    band: DoraBand | null;
    daily: { day: string; medianMinutes: number }[];
  };
  changeFailureRate: {
    rate: number | null;
    failedDeployments: number;
    deployments: number;
    band: DoraBand | null;
    daily: { day: string; rate: number; failedDeployments: number; deployments: number }[];
  };
  timeToRestore: {
    medianMinutes: number | null;
    /** Resolved incidents detected in the range. */
    incidents: number;
    unresolved: number;
    band: DoraBand | null;
    daily: { day: string; medianMinutes: number }[];
  };
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export function computeDoraMetrics(input: {
  from: Date;
  to: Date;
  deployments: readonly DeploymentFact[];
  incidents: readonly IncidentFact[];
}): DoraMetrics {
  const { from, to, deployments, incidents } = input;
  const days = daysOf(from, to);
  const byDay = groupBy(deployments, (d) => utcDay(d.deployedAt));
  const windowDays = (to.getTime() - from.getTime()) / DAY_MS;

  const frequency = classifyFrequency(days, new Set(byDay.keys()));
  const deploymentFrequency: DoraMetrics['deploymentFrequency'] = {
    deployments: deployments.length,
    perDay: windowDays > 0 ? deployments.length / windowDays : 0,
    perWeek: windowDays > 0 ? (deployments.length * 7) / windowDays : 0,
    frequency,
    band: deploymentFrequencyBand(frequency),
    daily: days.map((day) => ({ day, deployments: byDay.get(day)?.length ?? 0 })),
  };

  const leadMinutes = (d: DeploymentFact) =>
    d.commitTime === null ? null : (d.deployedAt.getTime() - d.commitTime.getTime()) / MINUTE_MS;
  const counted = (list: readonly DeploymentFact[]) =>
    list.map(leadMinutes).filter((minutes): minutes is number => minutes !== null && minutes > 0);
  const leadTimes = counted(deployments);
  const leadMedian = median(leadTimes);
  const leadTimeForChanges: DoraMetrics['leadTimeForChanges'] = {
    medianMinutes: leadMedian,
    changes: leadTimes.length,
    withoutCommitTime: deployments.filter((d) => d.commitTime === null).length,
    band: leadMedian === null ? null : leadTimeBand(leadMedian),
    daily: days.flatMap((day) => {
      const dayMedian = median(counted(byDay.get(day) ?? []));
      return dayMedian === null ? [] : [{ day, medianMinutes: dayMedian }];
    }),
  };

  const failed = deployments.filter((d) => d.failed).length;
  const rate = deployments.length === 0 ? null : failed / deployments.length;
  const changeFailureRate: DoraMetrics['changeFailureRate'] = {
    rate,
    failedDeployments: failed,
    deployments: deployments.length,
    band: rate === null ? null : changeFailureRateBand(rate),
    daily: days.flatMap((day) => {
      const ofDay = byDay.get(day) ?? [];
      if (ofDay.length === 0) return [];
      const failedOfDay = ofDay.filter((d) => d.failed).length;
      return [{ day, rate: failedOfDay / ofDay.length, failedDeployments: failedOfDay, deployments: ofDay.length }];
    }),
  };

  const resolved = incidents.filter(
    (i): i is IncidentFact & { resolvedAt: Date } => i.resolvedAt !== null && i.resolvedAt >= i.detectedAt,
  );
  const restoreMinutes = (list: readonly (IncidentFact & { resolvedAt: Date })[]) =>
    list.map((i) => (i.resolvedAt.getTime() - i.detectedAt.getTime()) / MINUTE_MS);
  const restoreMedian = median(restoreMinutes(resolved));
  const resolvedByDay = groupBy(resolved, (i) => utcDay(i.detectedAt));
  const timeToRestore: DoraMetrics['timeToRestore'] = {
    medianMinutes: restoreMedian,
    incidents: resolved.length,
    unresolved: incidents.filter((i) => i.resolvedAt === null).length,
    band: restoreMedian === null ? null : timeToRestoreBand(restoreMedian),
    daily: days.flatMap((day) => {
      const dayMedian = median(restoreMinutes(resolvedByDay.get(day) ?? []));
      return dayMedian === null ? [] : [{ day, medianMinutes: dayMedian }];
    }),
  };

  return { deploymentFrequency, leadTimeForChanges, changeFailureRate, timeToRestore };
}

/**
 * Four Keys' deployment frequency class over the days of the range, with weeks starting on Sunday (as
 * BigQuery's TIMESTAMP_TRUNC(day, WEEK)). Per week: the days it had deployments and whether it had any;
 * per week also the number of deployed weeks in that week's month. Then, over the weeks:
 * daily when the median of deployed days is >= 3, weekly when the median week had a deployment, monthly
 * when the median month-count is >= 1, else yearly.
 */
export function classifyFrequency(days: readonly string[], deploymentDays: ReadonlySet<string>): DeploymentFrequency {
  const weeks = new Map<string, number>();
  for (const day of days) {
    const week = weekStart(day);
    weeks.set(week, (weeks.get(week) ?? 0) + (deploymentDays.has(day) ? 1 : 0));
  }
  const rows = [...weeks].map(([week, daysDeployed]) => ({
    month: week.slice(0, 7),
    daysDeployed,
    weekDeployed: daysDeployed > 0 ? 1 : 0,
  }));
  const deployedWeeksPerMonth = new Map<string, number>();
  for (const row of rows) {
    deployedWeeksPerMonth.set(row.month, (deployedWeeksPerMonth.get(row.month) ?? 0) + row.weekDeployed);
  }
  if ((median(rows.map((r) => r.daysDeployed)) ?? 0) >= 3) return 'daily';
  if ((median(rows.map((r) => r.weekDeployed)) ?? 0) >= 1) return 'weekly';
  if ((median(rows.map((r) => deployedWeeksPerMonth.get(r.month) ?? 0)) ?? 0) >= 1) return 'monthly';
  return 'yearly';
}

/** PERCENTILE_CONT(0.5): the middle value, or the mean of the two middle ones. Null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `YYYY-MM-DD` of the UTC day `date` falls in: Four Keys' TIMESTAMP_TRUNC(time, DAY). */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Every UTC day that overlaps [from, to). */
export function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = Date.parse(utcDay(from)); t < to.getTime(); t += DAY_MS) days.push(utcDay(new Date(t)));
  return days;
}

function weekStart(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  return utcDay(new Date(date.getTime() - date.getUTCDay() * DAY_MS));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
