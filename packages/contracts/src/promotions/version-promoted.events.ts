import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const VERSION_PROMOTED = 'dev.cdeventsx.pipewright-version.promoted.0.1.0';

/**
 * A version was promoted to an environment or stage (`passed-test`, `qa`, `production`...) by a person or
 * a tool, as recorded in the build-data repository. Deployments are announced by `service.deployed` and
 * friends; a promotion is the decision, which may precede or follow them.
 */
export const versionPromotedSchema = cdeventSchema(
  VERSION_PROMOTED,
  z.object({
    component: nameSchema,
    version: z.string().min(1),
    environment: nameSchema,
    by: z.string().min(1),
    reason: z.string().optional(),
  }),
  z.object({}).optional(),
);
export type VersionPromoted = z.infer<typeof versionPromotedSchema>;

export const VersionPromoted = defineMessage({
  type: VERSION_PROMOTED,
  topic: Topics.cdevents,
  schema: versionPromotedSchema,
  // By component, in order with the component's deployments.
  key: (e) => e.subject.content.component,
  subject: (e) => e.subject.id,
});
