import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { subjectReferenceSchema } from '../envelope/references';
import { Topics } from '../topics';

export const SERVICE_DEPLOYED = 'dev.cdevents.service.deployed.0.3.0';
export const SERVICE_UPGRADED = 'dev.cdevents.service.upgraded.0.3.0';
export const SERVICE_ROLLEDBACK = 'dev.cdevents.service.rolledback.0.3.0';

/**
 * What a deployment event says beyond CDEvents: which component version went out, built from which
 * commit, and when that commit was made, which is what lead time for changes is measured from (commit
 * time -> production deployment). A deployment is identified by its CDEvent's `context.id`; incidents
 * name the deployment that caused them by that id.
 */
export const deploymentDetailsSchema = z.object({
  component: nameSchema,
  /** For a rollback: the version the service was rolled back to. */
  version: z.string().min(1),
  /** The source revision (commit) the version was built from. */
  revision: z.string().min(1).optional(),
  /** When that commit was made (the commit's committer time). Without it, the deployment has no lead time. */
  commitTime: z.iso.datetime({ offset: true }).optional(),
  runId: z.string().min(1).optional(),
  /** Who or what deployed it: a person, a pipeline, a tool. */
  deployedBy: z.string().min(1).optional(),
});
export type DeploymentDetails = z.infer<typeof deploymentDetailsSchema>;

/** Subject and content exactly as CDEvents v0.5.1 has them: the service's id, where, and what (artifact purl). */
const serviceContent = z.object({ environment: subjectReferenceSchema, artifactId: z.string().min(1) });

export const serviceDeployedSchema = cdeventSchema(SERVICE_DEPLOYED, serviceContent, deploymentDetailsSchema);
export type ServiceDeployed = z.infer<typeof serviceDeployedSchema>;

export const serviceUpgradedSchema = cdeventSchema(SERVICE_UPGRADED, serviceContent, deploymentDetailsSchema);
export type ServiceUpgraded = z.infer<typeof serviceUpgradedSchema>;

export const serviceRolledbackSchema = cdeventSchema(SERVICE_ROLLEDBACK, serviceContent, deploymentDetailsSchema);
export type ServiceRolledback = z.infer<typeof serviceRolledbackSchema>;

// Keyed by component: one component's deployments (and incidents) stay in order.
const byComponent = (e: { customData: { component: string } }) => e.customData.component;
const byService = (e: { subject: { id: string } }) => e.subject.id;

export const ServiceDeployed = defineMessage({
  type: SERVICE_DEPLOYED,
  topic: Topics.cdevents,
  schema: serviceDeployedSchema,
  key: byComponent,
  subject: byService,
});
export const ServiceUpgraded = defineMessage({
  type: SERVICE_UPGRADED,
  topic: Topics.cdevents,
  schema: serviceUpgradedSchema,
  key: byComponent,
  subject: byService,
});
export const ServiceRolledback = defineMessage({
  type: SERVICE_ROLLEDBACK,
  topic: Topics.cdevents,
  schema: serviceRolledbackSchema,
  key: byComponent,
  subject: byService,
});
