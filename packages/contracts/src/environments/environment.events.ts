import { z } from 'zod';
import { costTagsSchema, nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const ENVIRONMENT_CREATED = 'dev.cdevents.environment.created.0.3.0';
export const ENVIRONMENT_DELETED = 'dev.cdevents.environment.deleted.0.3.0';
export const ENVIRONMENT_FAILED = 'dev.cdeventsx.pipewright-environment.failed.0.1.0';

const isoTime = z.iso.datetime({ offset: true });

/** One priced thing inside an environment (a process, a VM, a database...). */
export const resourceSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  size: z.string().min(1),
  startedAt: isoTime,
  tags: costTagsSchema,
  /** Driver-specific facts (pid, port, ...), for people reading the event. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

const environmentOwnership = z.object({
  /** Set for ephemeral environments created for one run. */
  runId: z.string().min(1).optional(),
  component: nameSchema,
  driver: z.string().min(1),
  lifetime: z.enum(['ephemeral', 'long-lived']),
});

export const environmentCreatedSchema = cdeventSchema(
  ENVIRONMENT_CREATED,
  z.object({ name: z.string().min(1), url: z.string().optional() }),
  environmentOwnership.extend({ tags: costTagsSchema, resources: z.array(resourceSchema) }),
);
export type EnvironmentCreated = z.infer<typeof environmentCreatedSchema>;

export const environmentDeletedSchema = cdeventSchema(
  ENVIRONMENT_DELETED,
  z.object({ name: z.string().min(1) }),
  environmentOwnership.extend({
    tags: costTagsSchema,
    deletedAt: isoTime,
    resources: z.array(z.object({ id: z.string().min(1), endedAt: isoTime })),
  }),
);
export type EnvironmentDeleted = z.infer<typeof environmentDeletedSchema>;

export const environmentFailedSchema = cdeventSchema(
  ENVIRONMENT_FAILED,
  z.object({ name: z.string().min(1), reason: z.string().min(1) }),
  environmentOwnership,
);
export type EnvironmentFailed = z.infer<typeof environmentFailedSchema>;

// Keyed by the run when there is one, so an ephemeral environment's events stay in order with its run.
const byRunOrEnvironment = (e: { subject: { id: string }; customData: { runId?: string | undefined } }) =>
  e.customData.runId ?? e.subject.id;
const byEnvironment = (e: { subject: { id: string } }) => e.subject.id;

export const EnvironmentCreated = defineMessage({
  type: ENVIRONMENT_CREATED,
  topic: Topics.cdevents,
  schema: environmentCreatedSchema,
  key: byRunOrEnvironment,
  subject: byEnvironment,
});
export const EnvironmentDeleted = defineMessage({
  type: ENVIRONMENT_DELETED,
  topic: Topics.cdevents,
  schema: environmentDeletedSchema,
  key: byRunOrEnvironment,
  subject: byEnvironment,
});
export const EnvironmentFailed = defineMessage({
  type: ENVIRONMENT_FAILED,
  topic: Topics.cdevents,
  schema: environmentFailedSchema,
  key: byRunOrEnvironment,
  subject: byEnvironment,
});
