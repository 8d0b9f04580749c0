import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { DEFAULT_PROMOTION_PATH } from '../promotions/promotion-order';
import { VERSION_SCHEMES, semverPatternSchema } from '../versions/version-scheme';
import type { Component } from './component.entity';

export const componentParamsSchema = z.object({ name: nameSchema });
export type ComponentParams = z.infer<typeof componentParamsSchema>;

/** `PUT /components/:name`: the whole component as it should be (created if missing). */
export const putComponentBodySchema = z
  .strictObject({
    team: nameSchema,
    solution: nameSchema,
    repositoryUrl: z.string().trim().min(1).max(2_000).nullable().default(null).describe('Where its source lives'),
    versionScheme: z.enum(VERSION_SCHEMES),
    versionPattern: semverPatternSchema.optional(),
    promotionPath: z
      .array(nameSchema)
      .min(1)
      .max(20)
      .refine((path) => new Set(path).size === path.length, 'must not name an environment twice')
      .default([...DEFAULT_PROMOTION_PATH])
      .describe(
        'The environments and stages versions are promoted through, in order, after being built; a promotion ' +
          `may not skip one. Default: ${DEFAULT_PROMOTION_PATH.join(', ')}.`,
      ),
  })
  .superRefine((body, ctx) => {
    if (body.versionScheme === 'semver' && body.versionPattern === undefined) {
      ctx.addIssue({ code: 'custom', path: ['versionPattern'], message: 'is required when versionScheme is semver' });
    }
    if (body.versionScheme === 'counter' && body.versionPattern !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['versionPattern'], message: 'is only for versionScheme semver' });
    }
  });
export type PutComponentBody = z.output<typeof putComponentBodySchema>;

export const componentSchema = z.object({
  name: z.string(),
  team: z.string(),
  solution: z.string(),
  repositoryUrl: z.string().nullable(),
  versionScheme: z.enum(VERSION_SCHEMES),
  versionPattern: z.string().nullable(),
  promotionPath: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ComponentResponse = z.infer<typeof componentSchema>;

export function toComponentResponse(component: Component): ComponentResponse {
  return {
    name: component.name,
    team: component.team,
    solution: component.solution,
    repositoryUrl: component.repositoryUrl,
    versionScheme: component.versionScheme,
    versionPattern: component.versionPattern,
    promotionPath: component.promotionPath,
    createdAt: component.createdAt.toISOString(),
    updatedAt: component.updatedAt.toISOString(),
  };
}
