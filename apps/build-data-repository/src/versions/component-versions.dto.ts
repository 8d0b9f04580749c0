import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import type { Version } from './version.entity';

export const componentVersionsParamsSchema = z.object({ name: nameSchema });
export type ComponentVersionsParams = z.infer<typeof componentVersionsParamsSchema>;

/** `GET /components/:name/versions` */
export interface ComponentVersionsResponse {
  component: string;
  /** Newest first. */
  versions: { version: string; runId: string | null; revision: string | null; allocatedAt: string }[];
}

export function toComponentVersionsResponse(component: string, versions: Version[]): ComponentVersionsResponse {
  return {
    component,
    versions: versions.map((v) => ({
      version: v.version,
      runId: v.runId,
      revision: v.revision,
      allocatedAt: v.allocatedAt.toISOString(),
    })),
  };
}
