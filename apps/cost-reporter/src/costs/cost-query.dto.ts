import { z } from 'zod';

/** The tags cost can be grouped by (every provisioned resource carries them). */
export const GROUP_BY = ['service', 'team', 'solution', 'environment'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:00:00Z' })
  .transform((value) => new Date(value));

/** `GET /costs?groupBy=team&from=...&to=...`: the window is optional at either end. */
export const costQuerySchema = z
  .strictObject({
    groupBy: z.enum(GROUP_BY, { error: `must be one of ${GROUP_BY.join(', ')}` }),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    path: ['to'],
    message: 'must be after from',
  });
export type CostQuery = z.output<typeof costQuerySchema>;
