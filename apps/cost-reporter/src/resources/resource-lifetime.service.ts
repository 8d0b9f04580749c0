import { Injectable } from '@nestjs/common';
import type { EnvironmentCreated, EnvironmentDeleted } from '@pipewright/contracts';
import { IsNull, type EntityManager } from 'typeorm';
import { CostEnvironment } from './cost-environment.entity';
import { ResourceLifetime } from './resource-lifetime.entity';

/**
 * Records resource lifetimes from environment events. Every write is an upsert that only sets what its
 * event knows, so applying the events twice, or `deleted` before `created`, ends in the same rows.
 */
@Injectable()
export class ResourceLifetimeService {
  async recordCreated(manager: EntityManager, event: EnvironmentCreated): Promise<void> {
    const environmentId = event.subject.id;
    const { runId, component, resources } = event.customData;
    await manager
      .createQueryBuilder()
      .insert()
      .into(CostEnvironment)
      .values({ environmentId, name: event.subject.content.name, runId: runId ?? null, component, deletedAt: null })
      .orUpdate(['name', 'run_id', 'component'], ['environment_id'])
      .execute();

    if (resources.length > 0) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ResourceLifetime)
        .values(
          resources.map((resource) => ({
            environmentId,
            resourceId: resource.id,
            runId: runId ?? null,
            type: resource.type,
            size: resource.size,
            service: resource.tags.service,
            team: resource.tags.team,
            solution: resource.tags.solution,
            environment: resource.tags.environment,
            startedAt: new Date(resource.startedAt),
            endedAt: null,
          })),
        )
        // Everything but the end: a deletion that arrived first keeps its end time.
        .orUpdate(
          ['run_id', 'type', 'size', 'service', 'team', 'solution', 'environment', 'started_at'],
          ['environment_id', 'resource_id'],
        )
        .execute();
    }

    const environment = await manager.findOneByOrFail(CostEnvironment, { environmentId });
    if (environment.deletedAt) await this.closeOpenResources(manager, environmentId, environment.deletedAt);
  }

  async recordDeleted(manager: EntityManager, event: EnvironmentDeleted): Promise<void> {
    const environmentId = event.subject.id;
    const { runId, component, resources, tags, deletedAt } = event.customData;
    await manager
      .createQueryBuilder()
      .insert()
      .into(CostEnvironment)
      .values({
        environmentId,
        name: event.subject.content.name,
        runId: runId ?? null,
        component,
        deletedAt: new Date(deletedAt),
      })
      .orUpdate(['deleted_at'], ['environment_id'])
      .execute();

    if (resources.length > 0) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ResourceLifetime)
        .values(
          // Tags and size from the environment only stand in until `created` brings the resource's own.
          resources.map((resource) => ({
            environmentId,
            resourceId: resource.id,
            runId: runId ?? null,
            type: null,
            size: tags.size,
            service: tags.service,
            team: tags.team,
            solution: tags.solution,
            environment: tags.environment,
            startedAt: null,
            endedAt: new Date(resource.endedAt),
          })),
        )
        .orUpdate(['ended_at'], ['environment_id', 'resource_id'])
        .execute();
    }
    await this.closeOpenResources(manager, environmentId, new Date(deletedAt));
  }

  /** Resources the deletion did not list individually end with their environment. */
  private async closeOpenResources(manager: EntityManager, environmentId: string, deletedAt: Date): Promise<void> {
    await manager.update(ResourceLifetime, { environmentId, endedAt: IsNull() }, { endedAt: deletedAt });
  }
}
