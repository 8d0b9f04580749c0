import type { CostTags } from '@pipewright/contracts';
import type { ResourceDetails } from '../drivers/environment-driver';
import type { EnvironmentResource } from './environment-resource.entity';
import type { Environment, EnvironmentLifetime, EnvironmentStatus } from './environment.entity';
import { costTagsOf } from './environment.events';

/** `GET /environments/:id` and each item of `GET /environments`. Times are ISO strings, absent ones null. */
export interface EnvironmentView {
  id: string;
  name: string;
  runId: string | null;
  component: string;
  team: string;
  solution: string;
  size: string;
  lifetime: EnvironmentLifetime;
  driver: string;
  status: EnvironmentStatus;
  url: string | null;
  failureReason: string | null;
  tags: CostTags;
  createdAt: string;
  readyAt: string | null;
  failedAt: string | null;
  deletedAt: string | null;
  resources: ResourceView[];
}

export interface ResourceView {
  id: string;
  type: string;
  size: string;
  tags: CostTags;
  details: ResourceDetails;
  startedAt: string;
  endedAt: string | null;
}

export function toEnvironmentView(
  environment: Environment,
  resources: readonly EnvironmentResource[],
): EnvironmentView {
  return {
    id: environment.id,
    name: environment.name,
    runId: environment.runId,
    component: environment.component,
    team: environment.team,
    solution: environment.solution,
    size: environment.size,
    lifetime: environment.lifetime,
    driver: environment.driver,
    status: environment.status,
    url: environment.url,
    failureReason: environment.failureReason,
    tags: costTagsOf(environment),
    createdAt: environment.createdAt.toISOString(),
    readyAt: iso(environment.readyAt),
    failedAt: iso(environment.failedAt),
    deletedAt: iso(environment.deletedAt),
    resources: resources.map((resource) => ({
      id: resource.id,
      type: resource.type,
      size: resource.size,
      tags: resource.tags,
      details: resource.details,
      startedAt: resource.startedAt.toISOString(),
      endedAt: iso(resource.endedAt),
    })),
  };
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
