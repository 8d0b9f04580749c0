import { digestSchema, nameSchema, purlSchema } from '@pipewright/contracts';
import { z } from 'zod';
import type { Artifact } from './artifact.entity';

export const versionParamsSchema = z.object({ name: nameSchema, version: z.string().min(1).max(100) });
export type VersionParams = z.infer<typeof versionParamsSchema>;

export const publishArtifactSchema = z.object({
  purl: purlSchema.describe('Package URL of the artifact, e.g. `pkg:oci/shop-api@sha256%3A...`.'),
  digest: digestSchema,
  uri: z.url().describe('Where the artifact can be fetched.'),
  sbomUri: z.string().min(1).max(2_000).optional().describe('Where its SBOM lies.'),
});
export type PublishArtifact = z.infer<typeof publishArtifactSchema>;

export const artifactViewSchema = z.object({
  purl: z.string(),
  digest: z.string(),
  uri: z.string(),
  sbomUri: z.string().nullable(),
  runId: z.string().nullable().describe('The run that built it, when known.'),
  publishedAt: z.string(),
});
export type ArtifactView = z.infer<typeof artifactViewSchema>;

/** `GET /components/:name/versions/:version/artifacts` */
export const versionArtifactsResponseSchema = z.object({
  component: z.string(),
  version: z.string(),
  artifacts: z.array(artifactViewSchema).describe('In the order they were published.'),
});
export type VersionArtifactsResponse = z.infer<typeof versionArtifactsResponseSchema>;

export function toArtifactView(artifact: Artifact): ArtifactView {
  return {
    purl: artifact.purl,
    digest: artifact.digest,
    uri: artifact.uri,
    sbomUri: artifact.sbomUri,
    runId: artifact.runId,
    publishedAt: artifact.publishedAt.toISOString(),
  };
}
