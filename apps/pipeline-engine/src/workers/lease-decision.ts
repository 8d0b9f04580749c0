import type { AssignmentResult, TaskAssignmentStatus } from './task-assignment.entity';

/** An assignment as the executor sees it, ages measured by the database's clock. */
export interface AssignmentSnapshot {
  status: TaskAssignmentStatus;
  workerId: string | null;
  result: AssignmentResult | null;
  abandonReason: string | null;
  assignedAgeMs: number;
  /** Since the worker's last acceptance or heartbeat; null until accepted. */
  heartbeatAgeMs: number | null;
}

export interface LeaseLimits {
  /** After this long unaccepted, the wait is logged (it goes on). */
  acceptMs: number;
  /** An accepted assignment without a heartbeat for this long has lost its worker. */
  leaseMs: number;
  /** The task's timeout: how long an assignment may stay unaccepted. */
  timeoutMs: number;
}

export type LeaseDecision =
  | { kind: 'finished'; result: AssignmentResult }
  /** Look again after `ms` (or sooner, on a wake-up). `overdue`: nobody accepted it within `acceptMs`. */
  | { kind: 'wait'; ms: number; overdue: boolean }
  /** Nobody accepted it within the task's timeout. */
  | { kind: 'never-accepted' }
  /** The worker stopped answering: its lease expired. */
  | { kind: 'lost'; workerId: string }
  /** Given up elsewhere (the sweep, another engine instance). */
  | { kind: 'abandoned'; reason: string };

/**
 * What to do about an assignment now. Pure, so every branch of the lease rules is a unit test:
 * unaccepted assignments wait until the task's timeout (there may be no worker of the pool yet);
 * accepted ones are held as long as heartbeats come; the worker enforces the task's timeout itself.
 */
export function decideLease(snapshot: AssignmentSnapshot, limits: LeaseLimits): LeaseDecision {
  switch (snapshot.status) {
    case 'finished':
      if (snapshot.result === null) throw new Error('a finished assignment has a result');
      return { kind: 'finished', result: snapshot.result };
    case 'abandoned':
      return { kind: 'abandoned', reason: snapshot.abandonReason ?? 'the engine gave the assignment up' };
    case 'assigned': {
      const age = snapshot.assignedAgeMs;
      if (age >= limits.timeoutMs) return { kind: 'never-accepted' };
      const overdue = age >= limits.acceptMs;
      const next = overdue ? limits.timeoutMs : Math.min(limits.acceptMs, limits.timeoutMs);
      return { kind: 'wait', ms: next - age, overdue };
    }
    case 'accepted': {
      const age = snapshot.heartbeatAgeMs ?? snapshot.assignedAgeMs;
      if (age >= limits.leaseMs) return { kind: 'lost', workerId: snapshot.workerId ?? 'unknown' };
      return { kind: 'wait', ms: limits.leaseMs - age, overdue: false };
    }
  }
}

/** A task whose worker was lost is assigned again at most this often; then it fails. */
export const MAX_REASSIGNMENTS = 3;

export type LostWorkerDecision = { kind: 'reassign' } | { kind: 'fail'; reason: string };

/**
 * An idempotent task is assigned again (its worker may have died half-way; running it again is safe by
 * definition); any other task fails, since running it twice might do its effect twice.
 */
export function afterLostWorker(workerId: string, idempotent: boolean, reassignments: number): LostWorkerDecision {
  const lost = `worker ${workerId} stopped answering while running it`;
  if (!idempotent) return { kind: 'fail', reason: `${lost}; not idempotent, so not run again` };
  if (reassignments >= MAX_REASSIGNMENTS)
    return { kind: 'fail', reason: `${lost}; assigned ${reassignments + 1} times already, so not run again` };
  return { kind: 'reassign' };
}
