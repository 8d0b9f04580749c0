import { z } from 'zod';

/** The parts of a GitHub-style push delivery a trigger needs; everything else is ignored. */
export const gitPushSchema = z.object({
  ref: z.string().min(1),
  /** The commit the branch points at after the push: the run's revision. */
  after: z.string().min(1),
  repository: z.object({ full_name: z.string().min(1) }),
  pusher: z.object({ name: z.string().min(1) }),
  head_commit: z.object({ timestamp: z.string() }).nullish(),
});
export type GitPush = z.output<typeof gitPushSchema>;

/** What git hosts send as `after` when a push deletes the branch: nothing to build. */
export const DELETED_REVISION = /^0+$/;
