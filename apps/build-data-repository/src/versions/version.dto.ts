import { z } from 'zod';
import { cursorSchema, limitSchema, pageSchema } from '../pagination/cursor';
import type { Version } from './version.entity';

/** `POST /components/:name/versions`: allocation for a tool outside Pipewright. */
export const allocateVersionBodySchema = z.strictObject({
  revision: z.string().trim().min(1).max(200).optional().describe('The source revision the version is built from'),
  runId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('The tool’s run id: asking again for the same run answers the version it already has'),
  requestedBy: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Who or what asks for it (a tool, a pipeline, a person): recorded with the version and announced'),
});
export type AllocateVersionBody = z.output<typeof allocateVersionBodySchema>;

export const listVersionsQuerySchema = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema(z.tuple([z.string(), z.string()])).optional(),
});
export type ListVersionsQuery = z.output<typeof listVersionsQuerySchema>;

export const versionSchema = z.object({
  component: z.string(),
  version: z.string(),
  runId: z.string().nullable().describe('The run that produced it'),
  revision: z.string().nullable().describe('The source revision it was built from'),
  requestedBy: z.string().nullable().describe('Who or what allocated it over HTTP; null for runs’ versions'),
  allocatedAt: z.iso.datetime(),
});
export type VersionResponse = z.infer<typeof versionSchema>;

export const versionPageSchema = pageSchema(versionSchema);

export type VersionResponseRow = Pick<
  Version,
  'component' | 'version' | 'runId' | 'revision' | 'requestedBy' | 'allocatedAt'
>;

export function toVersionResponse(version: VersionResponseRow): VersionResponse {
  return {
    component: version.component,
    version: version.version,
    runId: version.runId,
    revision: version.revision,
    requestedBy: version.requestedBy,
    allocatedAt: version.allocatedAt.toISOString(),
  };
}
