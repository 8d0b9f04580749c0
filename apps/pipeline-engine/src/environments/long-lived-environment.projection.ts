import type { LongLivedEnvironment, LongLivedEnvironmentStatus } from './long-lived-environment.entity';

/** One of the provisioner's events about a long-lived environment, as the projection needs it. */
export type LongLivedEnvironmentEvent = { environmentId: string; name: string; component: string; at: Date } & (
  { kind: 'created'; url: string | null } | { kind: 'failed'; reason: string } | { kind: 'deleted' }
);

export type LongLivedEnvironmentFacts = Omit<LongLivedEnvironment, 'updatedAt'>;

const STATUS_OF = { created: 'ready', failed: 'failed', deleted: 'deleted' } as const;

/** Events of one instant: the one further along the lifecycle wins, whichever arrived first. */
const RANK: Record<LongLivedEnvironmentStatus, number> = { ready: 0, failed: 1, deleted: 2 };

/**
 * What is known of one environment after `event`, or null when the event changes nothing (an older
 * or repeated one). Kafka may deliver the provisioner's events late or out of order; applying them in
 * any order ends in the same facts: the status is that of the newest event (by its CDEvent
 * timestamp), `provisionedAt` and `url` those of the newest created/failed event.
 */
export function applyEvent(
  current: LongLivedEnvironmentFacts | null,
  event: LongLivedEnvironmentEvent,
): LongLivedEnvironmentFacts | null {
  const status = STATUS_OF[event.kind];
  const newestStatus =
    current === null ||
    event.at.getTime() > current.statusAt.getTime() ||
    (event.at.getTime() === current.statusAt.getTime() && RANK[status] > RANK[current.status]);
  const provisionedAt = current?.provisionedAt ?? null;
  const newestProvisioning =
    event.kind !== 'deleted' && (provisionedAt === null || event.at.getTime() > provisionedAt.getTime());
  if (!newestStatus && !newestProvisioning) return null;

  const next: LongLivedEnvironmentFacts = {
    environmentId: event.environmentId,
    name: current?.name ?? event.name,
    component: current?.component ?? event.component,
    status: current?.status ?? status,
    url: current?.url ?? null,
    failureReason: current?.failureReason ?? null,
    statusAt: current?.statusAt ?? event.at,
    provisionedAt,
  };
  if (newestStatus) {
    next.status = status;
    next.statusAt = event.at;
    next.failureReason = event.kind === 'failed' ? event.reason : null;
  }
  if (newestProvisioning) {
    next.provisionedAt = event.at;
    // Kept when a later deletion is the status (for the record); gone when it failed since it was created.
    next.url = event.kind === 'created' ? event.url : null;
  }
  return next;
}
