import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { cursorSchema, limitSchema, pageSchema } from '../pagination/cursor';
import { checkTimeRange, isoTimeSchema } from '../pagination/time-range';
import type { EventLogEntry } from './event-log-entry.entity';

const text = z.string().min(1).max(300);

/** The filters of the event log, shared by `GET /events` and `GET /events/stream`. */
export const eventFilterShape = {
  type: text.optional().describe('CloudEvents type, e.g. dev.cdevents.pipelinerun.finished.0.3.0'),
  subject: text.optional().describe('CloudEvents subject (the run, task run, environment, ... id)'),
  runId: text.optional(),
  component: nameSchema.optional(),
  from: isoTimeSchema.optional().describe('Happened at or after this time (the CDEvent timestamp)'),
  to: isoTimeSchema.optional().describe('Happened before this time'),
};

/** `GET /events`: newest first (by arrival). */
export const listEventsQuerySchema = z
  .strictObject({
    ...eventFilterShape,
    limit: limitSchema,
    cursor: cursorSchema(z.tuple([z.number().int().positive()])).optional(),
  })
  .superRefine(checkTimeRange);
export type ListEventsQuery = z.output<typeof listEventsQuerySchema>;

export type EventFilter = Pick<ListEventsQuery, keyof typeof eventFilterShape>;

export const eventSchema = z.object({
  seq: z.number().int().describe('Arrival order: what Last-Event-ID of the live stream refers to'),
  id: z.string().describe('The CloudEvent id'),
  type: z.string(),
  source: z.string(),
  subject: z.string().nullable(),
  runId: z.string().nullable(),
  component: z.string().nullable(),
  time: z.iso.datetime().describe('When it happened'),
  receivedAt: z.iso.datetime(),
  event: z.record(z.string(), z.unknown()).describe('The CDEvent as received'),
});
export type EventResponse = z.infer<typeof eventSchema>;

export const eventPageSchema = pageSchema(eventSchema);

export function toEventResponse(entry: EventLogEntry): EventResponse {
  return {
    seq: entry.seq,
    id: entry.id,
    type: entry.type,
    source: entry.source,
    subject: entry.subject,
    runId: entry.runId,
    component: entry.component,
    time: entry.time.toISOString(),
    receivedAt: entry.receivedAt.toISOString(),
    event: entry.payload as Record<string, unknown>,
  };
}

/** Whether `entry` passes `filter`: the live stream's in-memory twin of the list's SQL. */
export function matchesFilter(entry: EventLogEntry, filter: EventFilter): boolean {
  return (
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.subject === undefined || entry.subject === filter.subject) &&
    (filter.runId === undefined || entry.runId === filter.runId) &&
    (filter.component === undefined || entry.component === filter.component) &&
    (filter.from === undefined || entry.time.getTime() >= filter.from.getTime()) &&
    (filter.to === undefined || entry.time.getTime() < filter.to.getTime())
  );
}
