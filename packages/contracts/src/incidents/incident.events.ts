import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { subjectReferenceSchema } from '../envelope/references';
import { Topics } from '../topics';

export const INCIDENT_DETECTED = 'dev.cdevents.incident.detected.0.3.0';
export const INCIDENT_RESOLVED = 'dev.cdevents.incident.resolved.0.3.0';

/** Subject and content exactly as CDEvents v0.5.1 has them; the subject id is the incident's id. */
const incidentContent = z.object({
  description: z.string().optional(),
  environment: subjectReferenceSchema,
  service: subjectReferenceSchema.optional(),
  artifactId: z.string().min(1).optional(),
});

/**
 * Which component the incident hit and, when known, what caused it: the deployment (the `context.id` of
 * its service.deployed/upgraded event) or the root-cause commit, as Four Keys reads "root cause: <sha>"
 * from an incident. Change failure rate counts a deployment as failed when an incident names it, or names
 * a revision it deployed.
 */
const incidentDetails = z.object({
  component: nameSchema,
  deploymentId: z.string().min(1).optional(),
  revision: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
});

export const incidentDetectedSchema = cdeventSchema(INCIDENT_DETECTED, incidentContent, incidentDetails);
export type IncidentDetected = z.infer<typeof incidentDetectedSchema>;

export const incidentResolvedSchema = cdeventSchema(INCIDENT_RESOLVED, incidentContent, incidentDetails);
export type IncidentResolved = z.infer<typeof incidentResolvedSchema>;

// Keyed by component, like deployments: an incident's events stay in order with the deployments it follows.
const byComponent = (e: { customData: { component: string } }) => e.customData.component;
const byIncident = (e: { subject: { id: string } }) => e.subject.id;

export const IncidentDetected = defineMessage({
  type: INCIDENT_DETECTED,
  topic: Topics.cdevents,
  schema: incidentDetectedSchema,
  key: byComponent,
  subject: byIncident,
});
export const IncidentResolved = defineMessage({
  type: INCIDENT_RESOLVED,
  topic: Topics.cdevents,
  schema: incidentResolvedSchema,
  key: byComponent,
  subject: byIncident,
});
