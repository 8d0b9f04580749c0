import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const VERSION_ALLOCATED = 'dev.cdeventsx.pipewright-version.allocated.0.1.0';

/** The build-data repository's answer to `pipelinerun.queued`: the run's version, allocated atomically. */
export const versionAllocatedSchema = cdeventSchema(
  VERSION_ALLOCATED,
  z.object({
    component: nameSchema,
    version: z.string().min(1),
    runId: z.string().min(1),
    revision: z.string().optional(),
  }),
  z.object({}).optional(),
);
export type VersionAllocated = z.infer<typeof versionAllocatedSchema>;

export const VersionAllocated = defineMessage({
  type: VERSION_ALLOCATED,
  topic: Topics.cdevents,
  schema: versionAllocatedSchema,
  // Keyed by run: the engine reads it in order with the run's other events.
  key: (e) => e.subject.content.runId,
  subject: (e) => e.subject.id,
});
