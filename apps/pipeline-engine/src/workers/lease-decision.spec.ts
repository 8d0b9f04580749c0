import { MAX_REASSIGNMENTS, afterLostWorker, decideLease, type AssignmentSnapshot } from './lease-decision';

const limits = { acceptMs: 10_000, leaseMs: 3_000, timeoutMs: 60_000 };

function snapshot(overrides: Partial<AssignmentSnapshot>): AssignmentSnapshot {
  return {
    status: 'assigned',
    workerId: null,
    result: null,
    abandonReason: null,
    assignedAgeMs: 0,
    heartbeatAgeMs: null,
    ...overrides,
  };
}

describe(decideLease.name, () => {
  it('waits for a worker until the accept time, then keeps waiting (overdue) until the task timeout', () => {
    expect(decideLease(snapshot({ assignedAgeMs: 4_000 }), limits)).toEqual({
      kind: 'wait',
      ms: 6_000,
      overdue: false,
    });
    expect(decideLease(snapshot({ assignedAgeMs: 12_000 }), limits)).toEqual({
      kind: 'wait',
      ms: 48_000,
      overdue: true,
    });
    expect(decideLease(snapshot({ assignedAgeMs: 60_000 }), limits)).toEqual({ kind: 'never-accepted' });
  });

  it('never waits for acceptance past a task timeout shorter than the accept time', () => {
    expect(decideLease(snapshot({ assignedAgeMs: 1_000 }), { ...limits, timeoutMs: 5_000 })).toEqual({
      kind: 'wait',
      ms: 4_000,
      overdue: false,
    });
  });

  it('holds an accepted assignment while heartbeats come, however long the task runs', () => {
    const running = snapshot({ status: 'accepted', workerId: 'w1', assignedAgeMs: 3_600_000, heartbeatAgeMs: 1_000 });

    expect(decideLease(running, limits)).toEqual({ kind: 'wait', ms: 2_000, overdue: false });
  });

  it('takes the worker for lost once its heartbeats stop for the lease', () => {
    const silent = snapshot({ status: 'accepted', workerId: 'w1', assignedAgeMs: 9_000, heartbeatAgeMs: 3_000 });

    expect(decideLease(silent, limits)).toEqual({ kind: 'lost', workerId: 'w1' });
  });

  it('hands over the result of a finished assignment, and the reason of an abandoned one', () => {
    const result = { outcome: 'success' as const, exitCode: 0, timedOut: false, durationMs: 5, outputs: { a: '1' } };

    expect(decideLease(snapshot({ status: 'finished', result }), limits)).toEqual({ kind: 'finished', result });
    expect(decideLease(snapshot({ status: 'abandoned', abandonReason: 'the task run is over' }), limits)).toEqual({
      kind: 'abandoned',
      reason: 'the task run is over',
    });
  });
});

describe(afterLostWorker.name, () => {
  it('assigns an idempotent task again, a bounded number of times', () => {
    expect(afterLostWorker('w1', true, 0)).toEqual({ kind: 'reassign' });
    expect(afterLostWorker('w1', true, MAX_REASSIGNMENTS)).toEqual({
      kind: 'fail',
      reason: `worker w1 stopped answering while running it; assigned ${MAX_REASSIGNMENTS + 1} times already, so not run again`,
    });
  });

  it('fails any other task with the reason', () => {
    expect(afterLostWorker('build-7', false, 0)).toEqual({
      kind: 'fail',
      reason: 'worker build-7 stopped answering while running it; not idempotent, so not run again',
    });
  });
});
