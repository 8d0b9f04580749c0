import { z } from 'zod';

export const isoTimeSchema = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO 8601 date-time, e.g. 2026-11-22T10:00:00Z');

/** Adds the check that `from` is not after `to` to a query schema that has both. */
export function checkTimeRange(query: { from?: Date | undefined; to?: Date | undefined }, ctx: z.RefinementCtx): void {
  if (query.from && query.to && query.from.getTime() > query.to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }
}
