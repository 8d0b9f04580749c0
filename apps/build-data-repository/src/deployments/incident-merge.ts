import type { IncidentDetected, IncidentResolved } from '@pipewright/contracts';
import { earliest, keepFirst, type MergeRule, type MergeRules } from '../database/merge-upsert';
import type { Incident } from './incident.entity';

/**
 * How incident events become a row. Detected and resolved come in any order and more than once; every
 * order must end in the same row. What caused it is kept from the first event that says (reporters
 * send the same cause on both); the description is the detection's; detection is the earliest report
 * of it and resolution the latest (as Four Keys takes MAX(time_resolved)).
 */
export type IncidentPatch = Pick<Incident, 'id' | 'component' | 'environment'> &
  Partial<Omit<Incident, 'id' | 'component' | 'environment' | 'updatedAt'>>;

/** The latest moment (nulls ignored). */
export const latest: MergeRule = {
  sql: (stored, incoming) => `GREATEST(${stored}, ${incoming})`,
  apply: (stored, incoming) => {
    if (!(stored instanceof Date)) return incoming ?? stored;
    if (!(incoming instanceof Date)) return stored;
    return incoming.getTime() > stored.getTime() ? incoming : stored;
  },
};

export const incidentMergeRules: MergeRules<IncidentPatch> = {
  component: keepFirst,
  environment: keepFirst,
  description: keepFirst,
  deploymentId: keepFirst,
  revision: keepFirst,
  version: keepFirst,
  artifactId: keepFirst,
  detectedAt: earliest,
  resolvedAt: latest,
};

function reported(event: IncidentDetected | IncidentResolved): IncidentPatch {
  const { content } = event.subject;
  const data = event.customData;
  return {
    id: event.subject.id,
    component: data.component,
    environment: content.environment.id,
    deploymentId: data.deploymentId ?? null,
    revision: data.revision ?? null,
    version: data.version ?? null,
    artifactId: content.artifactId ?? null,
  };
}

export function detectedIncident(event: IncidentDetected): IncidentPatch {
  return {
    ...reported(event),
    // The description of what broke; a resolution's description (how it was fixed) is not kept.
    description: event.subject.content.description ?? null,
    detectedAt: new Date(event.context.timestamp),
  };
}

export function resolvedIncident(event: IncidentResolved): IncidentPatch {
  return { ...reported(event), resolvedAt: new Date(event.context.timestamp) };
}
