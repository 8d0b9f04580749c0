import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const VERSION_ALLOCATED = 'dev.cdeventsx.pipewright-version.allocated.0.1.0';

/**
 * A version was allocated: the build-data repository's answer to `pipelinerun.queued`, or an allocation
 * a tool outside Pipewright asked for over HTTP. Only the former names a Pipewright run.
 */
export const versionAllocatedSchema = cdeventSchema(
  VERSION_ALLOCATED,
  z.object({
    component: nameSchema,
    version: z.string().min(1),
    /** The run the version is for; absent when a tool allocated it without one. */
    runId: z.string().min(1).optional(),
    /** The source revision the version is built from. */
    revision: z.string().optional(),
    /** Who or what asked for it over HTTP (a tool, a person); absent for runs' versions. */
    requestedBy: z.string().min(1).optional(),
  }),
  z.object({}).optional(),
);
export type VersionAllocated = z.infer<typeof versionAllocatedSchema>;

export const VersionAllocated = defineMessage({
  type: VERSION_ALLOCATED,
  topic: Topics.cdevents,
  schema: versionAllocatedSchema,
  // Keyed by run: the engine reads it in order with the run's other events. Without a run, by component:
  // one component's allocations stay in order.
  key: (e) => e.subject.content.runId ?? e.subject.content.component,
  subject: (e) => e.subject.id,
});
