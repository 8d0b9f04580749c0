/** Where a version goes unless its component says otherwise (`promotionPath` of PUT /components/:name). */
export const DEFAULT_PROMOTION_PATH: readonly string[] = ['passed-test', 'qa', 'production'];

/** What is known about a version when someone promotes it. */
export interface PromotionFacts {
  /** The component's path, in order; being built (allocated) comes before its first step. */
  path: readonly string[];
  /** Environments and stages the version reached: promoted there, or deployed/upgraded there. */
  reached: ReadonlySet<string>;
  /** Why it may go no further: its run did not succeed, or it was rolled back somewhere. */
  stopped: 'failed' | 'rolled_back' | null;
}

export type PromotionRefusal =
  { reason: 'failed' | 'rolled_back' } | { reason: 'not_on_path' } | { reason: 'step_missing'; missing: string };

/**
 * Whether a version may be promoted to `environment`: only along its component's path, each step after
 * the one before it (going back to an earlier step, or again to one reached, is fine: nothing is skipped),
 * and not at all once it failed or was rolled back. Null when it may.
 */
export function refusalOf(environment: string, facts: PromotionFacts): PromotionRefusal | null {
  if (facts.stopped !== null) return { reason: facts.stopped };
  const position = facts.path.indexOf(environment);
  if (position < 0) return { reason: 'not_on_path' };
  const previous = facts.path[position - 1];
  if (previous !== undefined && !facts.reached.has(previous)) return { reason: 'step_missing', missing: previous };
  return null;
}
