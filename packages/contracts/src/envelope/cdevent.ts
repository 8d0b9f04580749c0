import { z } from 'zod';
import { timeOrderedUuid } from '../ids/time-ordered-uuid';

/** CDEvents spec version our events follow. */
export const CDEVENTS_SPEC_VERSION = '0.5.1';

/** Where our events come from (CloudEvents `source` / CDEvents `context.source`). */
export const sourceOf = (service: string) => `/pipewright/${service}`;

export const cdeventContextSchema = z.object({
  specversion: z.literal(CDEVENTS_SPEC_VERSION),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  timestamp: z.iso.datetime({ offset: true }),
  chainId: z.string().optional(),
  schemaUri: z.string().optional(),
});
export type CDEventContext = z.infer<typeof cdeventContextSchema>;

/**
 * The zod schema of one CDEvent type: `{ context, subject: { id, source?, content }, customData? }`
 * with `context.type` pinned to `type`.
 */
export function cdeventSchema<Content extends z.ZodType, Custom extends z.ZodType>(
  type: string,
  content: Content,
  customData: Custom,
) {
  return z.object({
    context: cdeventContextSchema.extend({ type: z.literal(type) }),
    subject: z.object({ id: z.string().min(1), source: z.string().optional(), content }),
    customData,
    customDataContentType: z.literal('application/json').optional(),
  });
}

/** Fills in the CDEvent context (fresh id, timestamp, spec version) for a new event. */
export function newCDEvent<T extends string, Subject, Custom>(
  type: T,
  source: string,
  subject: Subject,
  customData: Custom,
  chainId?: string,
) {
  return {
    context: {
      specversion: CDEVENTS_SPEC_VERSION as typeof CDEVENTS_SPEC_VERSION,
      id: timeOrderedUuid(),
      source,
      type,
      timestamp: new Date().toISOString(),
      ...(chainId ? { chainId } : {}),
    },
    subject,
    customData,
    customDataContentType: 'application/json' as const,
  };
}
