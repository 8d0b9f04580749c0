/**
 * DORA performance bands, from the performance levels of the Accelerate State of DevOps reports of 2023
 * and 2024 (Google Cloud / DORA). The reports describe each cluster by typical values; the bands below
 * turn those into thresholds:
 *
 * | metric                     | elite                  | high                        | medium                       | low                |
 * |----------------------------|------------------------|-----------------------------|------------------------------|--------------------|
 * | deployment frequency       | on demand (many a day) | once a day - once a week    | once a week - once a month   | less than monthly  |
 * | lead time for changes      | < 1 day                | 1 day - 1 week              | 1 week - 1 month             | > 1 month          |
 * | change failure rate        | <= 5%                  | <= 10%                      | <= 15%                       | > 15%              |
 * | time to restore (failed    | < 1 hour               | < 1 day                     | < 1 week                     | >= 1 week          |
 * | deployment recovery time)  |                        |                             |                              |                    |
 *
 * Lead time and time to restore agree between 2023 and 2024 (2024's medium restores "in less than a day"
 * like high; 2023's in "one day to one week", used here so the bands stay ordered). Change failure rate
 * uses 2023's 5/10/15% (low: 64%): 2024's clusters put high at 20% and medium at 10%, which is not an
 * ordering a threshold can express. A month is 730 hours, as in Four Keys' dashboard buckets.
 *
 * Deployment frequency is first classified the way Four Keys does (see `classifyFrequency`: daily, weekly,
 * monthly, yearly), and each class is one band, in order: Four Keys' top class ("daily": deployments on
 * most days of most weeks) stands for DORA's "on demand".
 */
export const DORA_BANDS = ['elite', 'high', 'medium', 'low'] as const;
export type DoraBand = (typeof DORA_BANDS)[number];

export const DEPLOYMENT_FREQUENCIES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type DeploymentFrequency = (typeof DEPLOYMENT_FREQUENCIES)[number];

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MINUTES_PER_MONTH = 730 * MINUTES_PER_HOUR;

export function deploymentFrequencyBand(frequency: DeploymentFrequency): DoraBand {
  switch (frequency) {
    case 'daily':
      return 'elite';
    case 'weekly':
      return 'high';
    case 'monthly':
      return 'medium';
    case 'yearly':
      return 'low';
  }
}

export function leadTimeBand(medianMinutes: number): DoraBand {
  if (medianMinutes < MINUTES_PER_DAY) return 'elite';
  if (medianMinutes < MINUTES_PER_WEEK) return 'high';
  if (medianMinutes < MINUTES_PER_MONTH) return 'medium';
  return 'low';
}

export function changeFailureRateBand(rate: number): DoraBand {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

export function timeToRestoreBand(medianMinutes: number): DoraBand {
  if (medianMinutes < MINUTES_PER_HOUR) return 'elite';
  if (medianMinutes < MINUTES_PER_DAY) return 'high';
  if (medianMinutes < MINUTES_PER_WEEK) return 'medium';
  return 'low';
}
