import { z } from 'zod';
import { nameSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const ARTIFACT_PUBLISHED = 'dev.cdevents.artifact.published.0.3.0';

/** A package URL (https://github.com/package-url/purl-spec): `pkg:<type>/<namespace>/<name>@<version>?...`. */
export const purlSchema = z
  .string()
  .max(2_000)
  .regex(/^pkg:[a-z.+-][a-z0-9.+-]*\/\S+$/i, 'must be a package URL (pkg:<type>/<name>...)');

/** A content digest in OCI form; only sha256 for now. */
export const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>');

/**
 * An artifact was published to a registry. Subject and content are CDEvents v0.5.1's: the subject id is the
 * artifact's purl. customData ties it to the component version it was built as, and says where it lies and
 * what exactly it is (digest), so a deployment's `artifactId` can be traced to a version.
 */
export const artifactPublishedSchema = cdeventSchema(
  ARTIFACT_PUBLISHED,
  z.object({
    sbom: z.object({ uri: z.string().min(1) }).optional(),
    user: z.string().min(1).optional(),
  }),
  z.object({
    component: nameSchema,
    version: z.string().min(1),
    digest: digestSchema,
    uri: z.url(),
    runId: z.string().min(1).optional(),
  }),
).refine((e) => purlSchema.safeParse(e.subject.id).success, {
  path: ['subject', 'id'],
  message: 'must be the artifact’s package URL (pkg:<type>/<name>...)',
});
export type ArtifactPublished = z.infer<typeof artifactPublishedSchema>;

export const ArtifactPublished = defineMessage({
  type: ARTIFACT_PUBLISHED,
  topic: Topics.cdevents,
  schema: artifactPublishedSchema,
  // In order with the run that built it; an artifact published outside a run is keyed by itself.
  key: (e) => e.customData.runId ?? e.subject.id,
  subject: (e) => e.subject.id,
});
