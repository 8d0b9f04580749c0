import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';

export const versionParamsSchema = z.object({ name: nameSchema, version: z.string().min(1).max(100) });
export type VersionParams = z.infer<typeof versionParamsSchema>;

export const promoteSchema = z.object({
  environment: nameSchema.describe('The environment or stage reached: `passed-test`, `qa`, `production`...'),
  by: z.string().min(1).max(200).describe('Who or what promoted it: a person, a pipeline, a tool.'),
  reason: z.string().min(1).max(2_000).optional(),
});
export type Promote = z.infer<typeof promoteSchema>;

export const environmentParamsSchema = z.object({ env: nameSchema });
export type EnvironmentParams = z.infer<typeof environmentParamsSchema>;

export const environmentVersionsQuerySchema = z.object({
  team: nameSchema.optional().describe("Only this team's components."),
});
export type EnvironmentVersionsQuery = z.infer<typeof environmentVersionsQuerySchema>;

export const PROMOTION_KINDS = ['promoted', 'deployed', 'upgraded', 'rolledback'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const promotionStepSchema = z.object({
  kind: z
    .enum(PROMOTION_KINDS)
    .describe('`promoted`: recorded over HTTP; the others: from service.deployed|upgraded|rolledback events.'),
  environment: z.string(),
  by: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
  deploymentId: z.string().nullable().describe('The deployment event (CDEvent id) for deployment steps.'),
});
export type PromotionStep = z.infer<typeof promotionStepSchema>;

/** `GET /components/:name/versions/:version/promotions` */
export const promotionPathSchema = z.object({
  component: z.string(),
  version: z.string(),
  steps: z.array(promotionStepSchema).describe('Oldest first: the path the version took.'),
});
export type PromotionPath = z.infer<typeof promotionPathSchema>;

/** `GET /environments/:env/versions` */
export const environmentVersionsSchema = z.object({
  environment: z.string(),
  components: z
    .array(
      z.object({
        component: z.string(),
        version: z.string(),
        kind: z.enum(PROMOTION_KINDS),
        by: z.string(),
        since: z.string().describe('When it got there.'),
      }),
    )
    .describe('Per component, the version its latest promotion or deployment put there; by component name.'),
});
export type EnvironmentVersions = z.infer<typeof environmentVersionsSchema>;
