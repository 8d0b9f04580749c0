import { z } from 'zod';

/** Names of things users write (components, teams, stages, tasks): readable in URLs and tags. */
export const nameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"');

export const runIdSchema = z.uuid();

/** Outcomes as CDEvents names them. */
export const outcomeSchema = z.enum(['success', 'failure', 'cancel', 'error']);
export type Outcome = z.infer<typeof outcomeSchema>;

/** The cost-attribution tags every provisioned thing carries (DESIGN.md §1). */
export const costTagsSchema = z.object({
  service: z.string().min(1),
  team: z.string().min(1),
  solution: z.string().min(1),
  environment: z.string().min(1),
  size: z.string().min(1),
});
export type CostTags = z.infer<typeof costTagsSchema>;
