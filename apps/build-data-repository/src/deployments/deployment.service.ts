import { Injectable } from '@nestjs/common';
import type {
  IncidentDetected,
  IncidentResolved,
  ServiceDeployed,
  ServiceRolledback,
  ServiceUpgraded,
} from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { mergeUpsert } from '../database/merge-upsert';
import { Deployment, type DeploymentKind } from './deployment.entity';
import { detectedIncident, incidentMergeRules, resolvedIncident } from './incident-merge';
import { Incident } from './incident.entity';

type DeploymentEvent = ServiceDeployed | ServiceUpgraded | ServiceRolledback;

/**
 * Records deployments and incidents from their CDEvents, each in the transaction of its delivery (the
 * event log has them from the ingestion consumer).
 */
@Injectable()
export class DeploymentService {
  /** One row per deployment event (by CDEvent id): a re-published event is recorded once. */
  async recordDeployment(manager: EntityManager, kind: DeploymentKind, event: DeploymentEvent): Promise<void> {
    const data = event.customData;
    await manager
      .createQueryBuilder()
      .insert()
      .into(Deployment)
      .values({
        id: event.context.id,
        kind,
        component: data.component,
        version: data.version,
        environment: event.subject.content.environment.id,
        service: event.subject.id,
        artifactId: event.subject.content.artifactId,
        revision: data.revision ?? null,
        commitTime: data.commitTime === undefined ? null : new Date(data.commitTime),
        runId: data.runId ?? null,
        // Who or what: the deployer named in the event, else the tool that reported it.
        deployedBy: data.deployedBy ?? event.context.source,
        deployedAt: new Date(event.context.timestamp),
      })
      .orIgnore()
      .execute();
  }

  async recordIncidentDetected(manager: EntityManager, event: IncidentDetected): Promise<void> {
    await mergeUpsert(manager, Incident, incidentMergeRules, detectedIncident(event));
  }

  async recordIncidentResolved(manager: EntityManager, event: IncidentResolved): Promise<void> {
    await mergeUpsert(manager, Incident, incidentMergeRules, resolvedIncident(event));
  }
}
