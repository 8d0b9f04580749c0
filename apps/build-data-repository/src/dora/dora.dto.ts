import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { DEPLOYMENT_FREQUENCIES, DORA_BANDS } from './dora-bands';

/** The range when none is given: Four Keys' dashboard looks at the last three months. */
export const DEFAULT_RANGE_DAYS = 90;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const momentSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value))
  .describe('ISO 8601 date-time, or a date (midnight UTC)');

export const doraQuerySchema = z
  .object({
    team: nameSchema.optional().describe("The team's components (at most one of team and component)."),
    component: nameSchema.optional().describe('One component (at most one of team and component).'),
    from: momentSchema.optional().describe(`Start, inclusive; default: ${DEFAULT_RANGE_DAYS} days before \`to\`.`),
    to: momentSchema.optional().describe('End, exclusive; default: now.'),
  })
  .superRefine((query, ctx) => {
    if (query.team !== undefined && query.component !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['component'], message: 'give either team or component, not both' });
    }
    if (query.from && query.to && query.from.getTime() >= query.to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
    const to = query.to ?? new Date();
    if (query.from && to.getTime() - query.from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
    }
  });
export type DoraQuery = z.infer<typeof doraQuerySchema>;

const band = z.enum(DORA_BANDS).nullable().describe('DORA performance band (2023/2024 levels); null without data.');

/** `GET /dora` */
export const doraResponseSchema = z.object({
  scope: z.object({ team: z.string().nullable(), component: z.string().nullable() }),
  from: z.string(),
  to: z.string(),
  productionEnvironments: z.array(z.string()),
  deploymentFrequency: z.object({
    deployments: z.number().int().describe('Production deployments (deployed or upgraded) in the range.'),
    perDay: z.number(),
    perWeek: z.number(),
    frequency: z.enum(DEPLOYMENT_FREQUENCIES).describe("Four Keys' class: daily, weekly, monthly or yearly."),
    band,
    daily: z.array(z.object({ day: z.string(), deployments: z.number().int() })),
  }),
  leadTimeForChanges: z.object({
    medianMinutes: z.number().nullable().describe('Median of deployment time - commit time.'),
    changes: z.number().int(),
    withoutCommitTime: z.number().int().describe('Deployments whose event carried no commitTime.'),
    band,
    daily: z.array(z.object({ day: z.string(), medianMinutes: z.number() })),
  }),
  changeFailureRate: z.object({
    rate: z.number().nullable().describe('Deployments that caused an incident or were rolled back / deployments.'),
    failedDeployments: z.number().int(),
    deployments: z.number().int(),
    band,
    daily: z.array(
      z.object({
        day: z.string(),
        rate: z.number(),
        failedDeployments: z.number().int(),
        deployments: z.number().int(),
      }),
    ),
  }),
  timeToRestore: z.object({
    medianMinutes: z.number().nullable().describe('Median of resolved - detected over resolved incidents.'),
    incidents: z.number().int(),
    unresolved: z.number().int(),
    band,
    daily: z.array(z.object({ day: z.string(), medianMinutes: z.number() })),
  }),
});
export type DoraResponse = z.infer<typeof doraResponseSchema>;
