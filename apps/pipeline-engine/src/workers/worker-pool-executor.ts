import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  shellTaskExecutor,
  type TaskExecution,
  type TaskExecutionResult,
  type TaskExecutor,
  type TaskExecutorRegistry,
} from '@pipewright/engine-core';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { taskBaseEnvironment } from '../execution/task-environment';
import { AssignmentNotifications } from './assignment-notifications';
import { afterLostWorker, decideLease, type LeaseLimits } from './lease-decision';
import type { AssignmentResult } from './task-assignment.entity';
import { TaskAssignmentService } from './task-assignment.service';

/** Even without a wake-up (a lost LISTEN connection), an assignment is looked at again this often. */
const RECHECK_MS = 5_000;

const LOCAL_TYPES: TaskExecutorRegistry = { shell: shellTaskExecutor };

/**
 * The engine's task executor: a task with a `pool` runs on a `pipewright worker` of that pool, every
 * other task here as a child process. For a pool task it publishes an assignment and follows it in
 * `task_assignments` until the worker's result is there (woken by the consumer's notifications):
 * - nobody accepts it: it waits (logged once after PIPEWRIGHT_ENGINE_WORKER_ACCEPT_SECONDS) until the
 *   task's timeout, then the task fails as timed out and the assignment is cancelled;
 * - the worker's heartbeats stop for PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS: an idempotent task is
 *   assigned again (a few times at most), any other task fails saying which worker was lost.
 * When the run stops here (the engine suspends it: shutting down, lease lost, a crash) the executor
 * stops following without cancelling: whoever resumes the run asks `resume` about the interrupted
 * attempt, which takes the worker's result or follows the live assignment; an assignment nobody
 * follows any more (its task run is over) is cancelled by the sweep.
 */
@Injectable()
export class WorkerPoolExecutor implements TaskExecutor {
  private readonly logger = new Logger(WorkerPoolExecutor.name);
  private readonly baseEnv = taskBaseEnvironment(process.env);
  private readonly acceptMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly assignments: TaskAssignmentService,
    private readonly notifications: AssignmentNotifications,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
  ) {
    this.acceptMs = config.PIPEWRIGHT_ENGINE_WORKER_ACCEPT_SECONDS * 1000;
    this.leaseMs = config.PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS * 1000;
  }

  async execute(execution: TaskExecution): Promise<TaskExecutionResult> {
    const { pool } = execution.task;
    if (pool === undefined) {
      const local = LOCAL_TYPES[execution.task.uses];
      return local
        ? local.execute(execution)
        : failed('error', 0, `no executor for task type "${execution.task.uses}"`);
    }
    return this.follow(execution, pool, () => this.assignments.assign(execution, pool, this.workerEnv(execution.env)));
  }

  /**
   * An attempt that was running when the engine stopped: if it went to a worker, its assignment tells
   * what became of it. Finished: its result. Live: it is followed as if the engine had never stopped
   * (the worker's result, or the lease rules when the worker is lost). Nothing (a local task, whose
   * process died with the engine, or an assignment given up): undefined, and engine-core's rule applies.
   */
  async resume(execution: TaskExecution): Promise<TaskExecutionResult | undefined> {
    const { runId, task, attempt } = execution;
    if (task.pool === undefined) return undefined;
    const assignment = await this.assignments.ofInterruptedAttempt(runId, task.id, attempt);
    if (assignment === null) return undefined;
    this.logger.log(
      { runId, taskId: task.id, attempt, assignmentId: assignment.id, status: assignment.status },
      'following the assignment of the attempt that was running when the engine stopped',
    );
    return this.follow(execution, task.pool, async () => {
      await this.assignments.adopt(assignment.id);
      return assignment.id;
    });
  }

  /** Follows the assignment `start` gives until the task's result is known; never throws. */
  private async follow(
    execution: TaskExecution,
    pool: string,
    start: () => Promise<string>,
  ): Promise<TaskExecutionResult> {
    const started = performance.now();
    try {
      return await this.followAssignment(execution, pool, await start(), started);
    } catch (error) {
      // Never throw (the executor's contract): the database failing under us is the task's error.
      return failed('error', elapsed(started), `the engine lost track of the task's assignment: ${message(error)}`);
    }
  }

  private async followAssignment(
    execution: TaskExecution,
    pool: string,
    assignmentId: string,
    started: number,
  ): Promise<TaskExecutionResult> {
    const { runId, task, signal } = execution;
    const limits: LeaseLimits = { acceptMs: this.acceptMs, leaseMs: this.leaseMs, timeoutMs: execution.timeoutMs };
    let id = assignmentId;
    let reassignments = 0;
    let overdueLogged = false;
    for (;;) {
      const subscription = this.notifications.subscribe(id);
      try {
        if (signal.aborted) return failed('cancel', elapsed(started), 'the engine stopped following the task here');
        const decision = decideLease(await this.assignments.snapshot(id), limits);
        switch (decision.kind) {
          case 'finished':
            await this.assignments.markDelivered(id);
            return fromWorker(decision.result);
          case 'abandoned':
            return failed('error', elapsed(started), `its assignment was given up: ${decision.reason}`);
          case 'never-accepted': {
            const reason = `no worker of pool "${pool}" accepted the task within its timeout (${seconds(execution.timeoutMs)}); is "pipewright worker --pool ${pool}" running?`;
            await this.assignments.abandon(id, reason);
            return { ...failed('failure', elapsed(started), reason), timedOut: true };
          }
          case 'lost': {
            const lost = `worker ${decision.workerId} stopped answering (no heartbeat for ${seconds(this.leaseMs)})`;
            await this.assignments.abandon(id, lost);
            const next = afterLostWorker(decision.workerId, task.idempotent, reassignments);
            if (next.kind === 'fail') return failed('failure', elapsed(started), next.reason);
            reassignments += 1;
            const replaced = id;
            id = await this.assignments.assign(execution, pool, this.workerEnv(execution.env), replaced);
            this.logger.warn({ runId, taskId: task.id, replaced, assignmentId: id }, `${lost}; task assigned again`);
            break;
          }
          case 'wait':
            if (decision.overdue && !overdueLogged) {
              overdueLogged = true;
              this.logger.warn(
                { runId, taskId: task.id, pool, assignmentId: id },
                `no worker of pool "${pool}" accepted the task within ${seconds(this.acceptMs)}; waiting up to its timeout`,
              );
            }
            await subscription.sleep(Math.min(decision.ms + 20, RECHECK_MS), signal);
            break;
        }
      } finally {
        subscription.close();
      }
    }
  }

  /** The worker lays these over its own base environment: what the engine's own base adds is the engine host's. */
  private workerEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    const own: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (this.baseEnv[name] !== value) own[name] = value;
    return own;
  }
}

function fromWorker(result: AssignmentResult): TaskExecutionResult {
  return {
    outcome: result.outcome,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    outputs: result.outputs,
    ...(result.error !== undefined ? { error: new Error(result.error) } : {}),
  };
}

function failed(outcome: TaskExecutionResult['outcome'], durationMs: number, reason: string): TaskExecutionResult {
  return { outcome, exitCode: null, timedOut: false, durationMs, outputs: {}, error: new Error(reason) };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
