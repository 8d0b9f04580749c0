import { nameSchema, outcomeSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { cursorSchema, limitSchema, pageSchema } from '../pagination/cursor';
import { checkTimeRange, isoTimeSchema } from '../pagination/time-range';
import { RUN_STATUSES } from './run-merge';
import type { Run } from './run.entity';

/** `GET /runs`: newest first (by when they were queued), every filter optional. */
export const listRunsQuerySchema = z
  .strictObject({
    component: nameSchema.optional(),
    team: nameSchema.optional(),
    status: z.enum(RUN_STATUSES).optional(),
    outcome: outcomeSchema.optional(),
    revision: z.string().min(1).max(200).optional(),
    from: isoTimeSchema.optional().describe('Queued at or after this time (ISO 8601)'),
    to: isoTimeSchema.optional().describe('Queued before this time (ISO 8601)'),
    limit: limitSchema,
    cursor: cursorSchema(z.tuple([z.string(), z.string()])).optional(),
  })
  .superRefine(checkTimeRange);
export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;

const time = z.iso.datetime().nullable();

export const runSummarySchema = z.object({
  id: z.string(),
  pipelineName: z.string(),
  component: z.string(),
  team: z.string(),
  solution: z.string(),
  revision: z.string().nullable(),
  version: z.string().nullable(),
  trigger: z.object({ type: z.string(), by: z.string().optional() }).nullable(),
  status: z.enum(RUN_STATUSES),
  outcome: outcomeSchema.nullable(),
  errors: z.string().nullable(),
  queuedAt: time,
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().int().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runPageSchema = pageSchema(runSummarySchema);

export const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toRunSummary(run: Omit<Run, 'definition' | 'updatedAt'>): RunSummary {
  return {
    id: run.id,
    pipelineName: run.pipelineName,
    component: run.component,
    team: run.team,
    solution: run.solution,
    revision: run.revision,
    version: run.version,
    trigger: run.trigger,
    status: run.status,
    outcome: run.outcome,
    errors: run.errors,
    queuedAt: iso(run.queuedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
  };
}
