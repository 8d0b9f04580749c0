import { randomUUID } from 'node:crypto';
import {
  TaskAssignmentAccepted,
  Topics,
  poolMessagesFor,
  tasksTopic,
  type TaskAssigned,
  type TaskAssignmentCancelled,
} from '@pipewright/contracts';
import { DirectConsumer, type DirectMessageContext, type EventBus, HandBack } from '@pipewright/event-bus';
import { runAssignment } from './run-assignment';
import type { WorkerOptions } from './worker-options';

/** How long the worker remembers assignments it ran, so a redelivered one is not run twice. */
const REMEMBERED_ASSIGNMENTS = 10_000;

export interface WorkerLog {
  info(message: string): void;
  warn(message: string): void;
}

interface Running {
  assignment: TaskAssigned;
  cancel: AbortController;
  done: Promise<void>;
}

/**
 * A `pipewright worker`: takes assignments of its pool from `pipewright.tasks.<pool>` (consumer group
 * `pipewright-worker-<pool>`, shared by the pool's workers), up to `concurrency` at a time. For each it
 * publishes `accepted` and waits for Kafka's acknowledgement before the task's process starts, so the
 * engine knows who runs it before anything happens, then commits the assignment's offset, so the pool
 * never gets it again once its process may have started. Cancellations reach every worker of the pool
 * (a consumer group of its own per worker process, from the moment it starts).
 *
 * Stopping (SIGTERM, Ctrl-C): no new assignment is taken (one waiting for a free slot is handed back to
 * the group); running tasks finish and are reported, with heartbeats going on meanwhile.
 */
export class TaskWorker {
  private readonly running = new Map<string, Running>();
  /** Assignments run or cancelled here, oldest first (a redelivery or a late cancel finds them). */
  private readonly seen = new Set<string>();
  private readonly cancelledEarly = new Map<string, string>();
  private readonly slotWaiters: (() => void)[] = [];
  private readonly assignments: DirectConsumer;
  private readonly cancellations: DirectConsumer;
  private stopping = false;
  /** Slots taken: tasks running plus assignments being accepted. */
  private busy = 0;

  constructor(
    private readonly options: WorkerOptions,
    private readonly bus: EventBus,
    private readonly baseEnv: Readonly<Record<string, string>>,
    private readonly log: WorkerLog,
  ) {
    const messages = poolMessagesFor(options.pool);
    this.assignments = new DirectConsumer({
      bus,
      groupId: `pipewright-worker-${options.pool}`,
      partitionsConsumedConcurrently: options.concurrency,
    }).on(messages.assigned, (assignment, context) => this.take(assignment, context));
    this.cancellations = new DirectConsumer({
      bus,
      groupId: `pipewright-worker-${options.pool}.cancellations.${options.workerId}.${randomUUID()}`,
      fromBeginning: false,
      // The shared group dead-letters what is invalid; this one only reads along.
      invalid: 'skip',
    }).on(messages.cancelled, (cancellation) => Promise.resolve(this.cancel(cancellation)));
  }

  async start(): Promise<void> {
    await this.bus.connect();
    await this.bus.ensureTopics([tasksTopic(this.options.pool), Topics.logs, TaskAssignmentAccepted.topic]);
    // Cancellations first: once a task can start, its cancellation can arrive.
    await this.cancellations.start();
    await this.assignments.start();
  }

  /** Takes no more work, lets running tasks finish and report, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.slotWaiters]) wake();
    await this.assignments.stop();
    if (this.running.size > 0) this.log.info(`waiting for ${this.running.size} running task(s) to finish`);
    await Promise.all([...this.running.values()].map((r) => r.done));
    await this.cancellations.stop();
    await this.bus.disconnect();
  }

  private async take(assignment: TaskAssigned, { heartbeat, commit }: DirectMessageContext): Promise<void> {
    const id = assignment.assignmentId;
    if (this.seen.has(id) || this.running.has(id)) return; // redelivered to us
    if (Date.parse(assignment.assignedAt) + assignment.timeoutMs < Date.now()) {
      // The engine has given it up by now: running it would only be a stale surprise.
      this.log.warn(`skipped ${assignment.taskId} of run ${assignment.runId}: assigned longer ago than its timeout`);
      return;
    }
    await this.freeSlot(`${assignment.taskId} of run ${assignment.runId}`, heartbeat);
    try {
      const cancelled = this.cancelledEarly.get(id);
      if (cancelled !== undefined) {
        this.remember(id);
        this.log.info(`not starting ${assignment.taskId} of run ${assignment.runId}: ${cancelled}`);
        return this.releaseSlot();
      }
      // Acknowledged by Kafka before the process starts: the engine learns who runs it first.
      await this.bus.publishDirect(TaskAssignmentAccepted, {
        assignmentId: id,
        runId: assignment.runId,
        workerId: this.options.workerId,
        acceptedAt: new Date().toISOString(),
      });
      // Kafka would commit it only once the batch is handled (another of its assignments may wait for a
      // slot meanwhile): should this worker die running the task, the pool must not get it again.
      await commit();
    } catch (error) {
      this.releaseSlot();
      throw error; // retried by the consumer
    }
    const cancel = new AbortController();
    const running: Running = { assignment, cancel, done: Promise.resolve() };
    running.done = this.run(running).finally(() => {
      this.running.delete(id);
      this.remember(id);
      this.releaseSlot();
    });
    this.running.set(id, running);
  }

  private async run({ assignment, cancel }: Running): Promise<void> {
    const what = `${assignment.taskId} of run ${assignment.runId} (attempt ${assignment.attempt})`;
    this.log.info(`started ${what}`);
    try {
      const finished = await runAssignment(assignment, {
        bus: this.bus,
        workerId: this.options.workerId,
        baseEnv: this.baseEnv,
        signal: cancel.signal,
        warn: (message) => this.log.warn(message),
      });
      this.log.info(
        `finished ${what}: ${finished.outcome} in ${finished.durationMs} ms${finished.error ? ` (${finished.error})` : ''}`,
      );
    } catch (error) {
      // The result could not be sent: the engine sees the heartbeats stop and decides.
      this.log.warn(`could not report ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private cancel(cancellation: TaskAssignmentCancelled): void {
    if (cancellation.workerId !== undefined && cancellation.workerId !== this.options.workerId) return;
    const running = this.running.get(cancellation.assignmentId);
    if (running !== undefined) {
      this.log.info(
        `cancelling ${running.assignment.taskId} of run ${running.assignment.runId}: ${cancellation.reason}`,
      );
      running.cancel.abort(new Error(cancellation.reason));
    } else if (!this.seen.has(cancellation.assignmentId)) {
      this.cancelledEarly.set(cancellation.assignmentId, cancellation.reason);
      if (this.cancelledEarly.size > REMEMBERED_ASSIGNMENTS)
        this.cancelledEarly.delete(this.cancelledEarly.keys().next().value!);
    }
  }

  /** Takes a slot once fewer than `concurrency` are taken, keeping the consumer alive; hands back when stopping. */
  private async freeSlot(what: string, heartbeat: () => Promise<void>): Promise<void> {
    for (let waited = false; ; waited = true) {
      if (this.stopping) {
        this.log.info(`handed ${what} back to the pool: this worker is stopping`);
        throw new HandBack('the worker is stopping');
      }
      if (this.busy < this.options.concurrency) {
        this.busy += 1;
        return;
      }
      if (!waited) this.log.info(`${what} waits for a free slot (${this.busy} of ${this.options.concurrency} taken)`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          const index = this.slotWaiters.indexOf(wake);
          if (index >= 0) this.slotWaiters.splice(index, 1);
          resolve();
        };
        const timer = setTimeout(wake, 3_000);
        this.slotWaiters.push(wake);
      });
      if (!this.stopping) await heartbeat();
    }
  }

  private releaseSlot(): void {
    this.busy -= 1;
    this.slotWaiters[0]?.();
  }

  private remember(id: string): void {
    this.seen.add(id);
    this.cancelledEarly.delete(id);
    if (this.seen.size > REMEMBERED_ASSIGNMENTS) this.seen.delete(this.seen.values().next().value!);
  }
}
