import {
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  ENVIRONMENT_FAILED,
  newCDEvent,
  sourceOf,
  type CostTags,
  type EnvironmentCreated,
  type EnvironmentDeleted,
  type EnvironmentFailed,
} from '@pipewright/contracts';
import { SERVICE_NAME } from '../config/service-name';
import type { EnvironmentResource } from './environment-resource.entity';
import type { Environment } from './environment.entity';

const SOURCE = sourceOf(SERVICE_NAME);

/** The cost-attribution tags of an environment; every resource of it carries the same. */
export function costTagsOf(environment: Environment): CostTags {
  return {
    service: environment.component,
    team: environment.team,
    solution: environment.solution,
    environment: environment.name,
    size: environment.size,
  };
}

export function environmentCreated(
  environment: Environment,
  resources: readonly EnvironmentResource[],
): EnvironmentCreated {
  return newCDEvent(
    ENVIRONMENT_CREATED,
    SOURCE,
    { id: environment.id, content: { name: environment.name, ...(environment.url ? { url: environment.url } : {}) } },
    {
      ...ownership(environment),
      tags: costTagsOf(environment),
      resources: resources.map((resource) => ({
        id: resource.id,
        type: resource.type,
        size: resource.size,
        startedAt: resource.startedAt.toISOString(),
        tags: resource.tags,
        details: resource.details,
      })),
    },
  );
}

export function environmentFailed(environment: Environment, reason: string): EnvironmentFailed {
  return newCDEvent(
    ENVIRONMENT_FAILED,
    SOURCE,
    { id: environment.id, content: { name: environment.name, reason } },
    ownership(environment),
  );
}

/** Every resource must have ended: deletion is announced once nothing runs. */
export function environmentDeleted(
  environment: Environment,
  deletedAt: Date,
  resources: readonly EnvironmentResource[],
): EnvironmentDeleted {
  return newCDEvent(
    ENVIRONMENT_DELETED,
    SOURCE,
    { id: environment.id, content: { name: environment.name } },
    {
      ...ownership(environment),
      tags: costTagsOf(environment),
      deletedAt: deletedAt.toISOString(),
      resources: resources.map((resource) => {
        if (!resource.endedAt) throw new Error(`resource ${resource.id} of ${environment.id} has not ended`);
        return { id: resource.id, endedAt: resource.endedAt.toISOString() };
      }),
    },
  );
}

function ownership(environment: Environment) {
  return {
    ...(environment.runId ? { runId: environment.runId } : {}),
    component: environment.component,
    driver: environment.driver,
    lifetime: environment.lifetime,
  };
}
