import { randomUUID } from 'node:crypto';
import {
  INCIDENT_DETECTED,
  INCIDENT_RESOLVED,
  IncidentDetected,
  IncidentResolved,
  SERVICE_DEPLOYED,
  SERVICE_ROLLEDBACK,
  SERVICE_UPGRADED,
  ServiceDeployed,
  ServiceRolledback,
  ServiceUpgraded,
  newCDEvent,
  parseMessage,
  sourceOf,
  type MessageDefinition,
} from '@pipewright/contracts';

const source = sourceOf('pipeline-engine');

export interface DeploymentFixture {
  kind?: 'deployed' | 'upgraded' | 'rolledback';
  component: string;
  version: string;
  environment?: string;
  /** When it was deployed (the event's timestamp). */
  at: string;
  revision?: string;
  commitTime?: string;
  deployedBy?: string;
}

const deploymentTypes = {
  deployed: { type: SERVICE_DEPLOYED, definition: ServiceDeployed },
  upgraded: { type: SERVICE_UPGRADED, definition: ServiceUpgraded },
  rolledback: { type: SERVICE_ROLLEDBACK, definition: ServiceRolledback },
} as const;

/** A deployment event and its definition, ready for `publishDirect`; its id is the deployment's id. */
export function deploymentEvent(fixture: DeploymentFixture) {
  const { type, definition } = deploymentTypes[fixture.kind ?? 'deployed'];
  const event = newCDEvent(
    type,
    source,
    {
      id: `service/${fixture.component}`,
      source,
      content: {
        environment: { id: fixture.environment ?? 'production' },
        artifactId: `pkg:oci/${fixture.component}@${fixture.version}`,
      },
    },
    {
      component: fixture.component,
      version: fixture.version,
      ...(fixture.revision === undefined ? {} : { revision: fixture.revision }),
      ...(fixture.commitTime === undefined ? {} : { commitTime: fixture.commitTime }),
      ...(fixture.deployedBy === undefined ? {} : { deployedBy: fixture.deployedBy }),
    },
  );
  const data = parseMessage(definition as MessageDefinition, {
    ...event,
    context: { ...event.context, timestamp: fixture.at },
  }) as ServiceDeployed;
  return { definition: definition as typeof ServiceDeployed, data, id: data.context.id };
}

export interface IncidentFixture {
  id?: string;
  component: string;
  environment?: string;
  at: string;
  deploymentId?: string;
  revision?: string;
}

export function incidentDetected(fixture: IncidentFixture) {
  return incidentEvent(INCIDENT_DETECTED, IncidentDetected, fixture);
}

export function incidentResolved(fixture: IncidentFixture) {
  return incidentEvent(INCIDENT_RESOLVED, IncidentResolved, fixture);
}

function incidentEvent(
  type: typeof INCIDENT_DETECTED | typeof INCIDENT_RESOLVED,
  definition: typeof IncidentDetected | typeof IncidentResolved,
  fixture: IncidentFixture,
) {
  const event = newCDEvent(
    type,
    sourceOf('pager'),
    {
      id: fixture.id ?? randomUUID(),
      content: { description: 'checkout is down', environment: { id: fixture.environment ?? 'production' } },
    },
    {
      component: fixture.component,
      ...(fixture.deploymentId === undefined ? {} : { deploymentId: fixture.deploymentId }),
      ...(fixture.revision === undefined ? {} : { revision: fixture.revision }),
    },
  );
  const data = parseMessage(definition as MessageDefinition, {
    ...event,
    context: { ...event.context, timestamp: fixture.at },
  }) as IncidentDetected;
  return { definition: definition as typeof IncidentDetected, data };
}
