import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { cursorSchema, limitSchema, pageSchema } from '../pagination/cursor';
import { checkTimeRange, isoTimeSchema } from '../pagination/time-range';
import { DEPLOYMENT_KINDS, type Deployment } from './deployment.entity';
import type { Incident } from './incident.entity';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The filters both lists share. */
const deliveryFilterShape = {
  component: nameSchema.optional(),
  team: nameSchema.optional().describe("Only this team's components."),
  environment: nameSchema.optional(),
  limit: limitSchema,
  cursor: cursorSchema(z.tuple([z.string(), z.string()])).optional(),
};

/** `GET /deployments`: newest first (by when they happened), every filter optional. */
export const listDeploymentsQuerySchema = z
  .strictObject({
    ...deliveryFilterShape,
    kind: z.enum(DEPLOYMENT_KINDS).optional(),
    from: isoTimeSchema.optional().describe('Deployed at or after this time (ISO 8601)'),
    to: isoTimeSchema.optional().describe('Deployed before this time (ISO 8601)'),
  })
  .superRefine(checkTimeRange);
export type ListDeploymentsQuery = z.output<typeof listDeploymentsQuerySchema>;

export const deploymentSchema = z.object({
  id: z.string().describe('The deployment event (CDEvent id); incidents name the deployment that caused them by it.'),
  kind: z.enum(DEPLOYMENT_KINDS),
  component: z.string(),
  version: z.string().describe('For a rollback: the version rolled back to.'),
  environment: z.string(),
  service: z.string().describe('The CDEvents service id.'),
  artifactId: z.string().describe('The artifact deployed (purl).'),
  revision: z.string().nullable(),
  commitTime: z.iso.datetime().nullable().describe('When the deployed revision was committed.'),
  runId: z.string().nullable(),
  deployedBy: z.string(),
  deployedAt: z.iso.datetime(),
});
export type DeploymentView = z.infer<typeof deploymentSchema>;

export const deploymentPageSchema = pageSchema(deploymentSchema);

export function toDeploymentView(deployment: Deployment): DeploymentView {
  return {
    id: deployment.id,
    kind: deployment.kind,
    component: deployment.component,
    version: deployment.version,
    environment: deployment.environment,
    service: deployment.service,
    artifactId: deployment.artifactId,
    revision: deployment.revision,
    commitTime: iso(deployment.commitTime),
    runId: deployment.runId,
    deployedBy: deployment.deployedBy,
    deployedAt: deployment.deployedAt.toISOString(),
  };
}

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;

/** `GET /incidents`: newest first (by when they were detected), every filter optional. */
export const listIncidentsQuerySchema = z
  .strictObject({
    ...deliveryFilterShape,
    status: z.enum(INCIDENT_STATUSES).optional().describe('`open`: no resolution reported yet.'),
    from: isoTimeSchema.optional().describe('Detected at or after this time (ISO 8601)'),
    to: isoTimeSchema.optional().describe('Detected before this time (ISO 8601)'),
  })
  .superRefine(checkTimeRange);
export type ListIncidentsQuery = z.output<typeof listIncidentsQuerySchema>;

export const incidentSchema = z.object({
  id: z.string(),
  component: z.string(),
  environment: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  description: z.string().nullable(),
  deploymentId: z.string().nullable().describe('The deployment that caused it, when the reporter knew.'),
  revision: z.string().nullable().describe('The root-cause commit, when the reporter knew.'),
  version: z.string().nullable(),
  artifactId: z.string().nullable(),
  detectedAt: z.iso.datetime().nullable().describe('Null while only its resolution has arrived.'),
  resolvedAt: z.iso.datetime().nullable(),
});
export type IncidentView = z.infer<typeof incidentSchema>;

export const incidentPageSchema = pageSchema(incidentSchema);

export function toIncidentView(incident: Incident): IncidentView {
  return {
    id: incident.id,
    component: incident.component,
    environment: incident.environment,
    status: incident.resolvedAt === null ? 'open' : 'resolved',
    description: incident.description,
    deploymentId: incident.deploymentId,
    revision: incident.revision,
    version: incident.version,
    artifactId: incident.artifactId,
    detectedAt: iso(incident.detectedAt),
    resolvedAt: iso(incident.resolvedAt),
  };
}
