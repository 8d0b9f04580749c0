import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  poolMessagesFor,
  tasksTopic,
  type TaskAssignmentAccepted,
  type TaskAssignmentFinished,
  type TaskAssignmentHeartbeat,
  timeOrderedUuid,
} from '@pipewright/contracts';
import type { TaskExecution } from '@pipewright/engine-core';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { Run } from '../runs/run.entity';
import { AssignmentNotifications } from './assignment-notifications';
import type { AssignmentSnapshot } from './lease-decision';
import { TaskAssignment } from './task-assignment.entity';

const LIVE = `status IN ('assigned', 'accepted')`;

/**
 * The engine's side of the conversation with the worker pools, in `task_assignments`: assignments
 * published through the outbox (one transaction with their row), the workers' answers recorded by the
 * consumer (idempotently: a duplicate or a late answer changes nothing), cancellations.
 */
@Injectable()
export class TaskAssignmentService {
  private readonly logger = new Logger(TaskAssignmentService.name);
  private readonly heartbeatMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
    private readonly notifications: AssignmentNotifications,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
  ) {
    this.heartbeatMs = Math.floor((config.PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS * 1000) / 3);
  }

  /**
   * The assignment of attempt `attempt` of a task that was running when its engine stopped, unless it
   * was given up: live (a worker may be running it, or may not have taken it yet) or finished (the
   * worker's result came while no engine followed it). The newest, should the attempt have been
   * assigned again after a lost worker.
   */
  async ofInterruptedAttempt(runId: string, taskId: string, attempt: number): Promise<TaskAssignment | null> {
    const newest = await this.dataSource.getRepository(TaskAssignment).findOne({
      where: { runId, taskId, attempt },
      order: { assignedAt: 'DESC' },
    });
    return newest === null || newest.status === 'abandoned' ? null : newest;
  }

  /**
   * Takes over following an assignment after an engine stop. Its worker's heartbeats while no engine
   * consumed them are still on their way (Kafka), so the lease starts over: the worker gets one lease
   * to be heard from again before it counts as lost.
   */
  async adopt(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE task_assignments SET heartbeat_at = greatest(heartbeat_at, now()) WHERE id = $1 AND status = 'accepted'`,
      [id],
    );
  }

  /**
   * Gives one attempt of a task to its pool: the row and the message commit together. `env` holds only
   * what the worker adds to its own base environment; the message carries it, secrets included.
   */
  async assign(
    execution: TaskExecution,
    pool: string,
    env: Record<string, string>,
    replaces?: string,
  ): Promise<string> {
    const { task, runId } = execution;
    const messages = poolMessagesFor(pool);
    await this.bus.ensureTopics([tasksTopic(pool)]);
    const id = timeOrderedUuid();
    await this.dataSource.transaction(async (manager) => {
      const [taskRun] = await manager.query<{ id: string }[]>(
        `SELECT t.id FROM task_runs t JOIN stage_runs s ON s.id = t.stage_run_id
          WHERE t.run_id = $1 AND s.name = $2 AND t.name = $3`,
        [runId, task.stage, task.name],
      );
      if (taskRun === undefined) throw new Error(`task "${task.id}" has no row in run ${runId}`);
      const run = await manager.findOneByOrFail(Run, { id: runId });
      const [{ seq }] = await manager.query<[{ seq: number }]>(
        `SELECT coalesce(max(log_lines), 0)::int AS seq FROM task_assignments WHERE run_id = $1 AND task_id = $2`,
        [runId, task.id],
      );
      await manager.query(
        `INSERT INTO task_assignments
           (id, run_id, task_run_id, task_id, pool, attempt, idempotent, status, replaces, log_lines, assigned_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'assigned', $8, $9, now())`,
        [id, runId, taskRun.id, task.id, pool, execution.attempt, task.idempotent, replaces ?? null, seq],
      );
      await this.outbox.publish(manager, messages.assigned, {
        assignmentId: id,
        runId,
        pool,
        taskRunId: taskRun.id,
        taskId: task.id,
        stage: task.stage,
        taskName: task.name,
        attempt: execution.attempt,
        uses: task.uses,
        inputs: execution.inputs,
        env,
        secrets: [...execution.secrets],
        workspace: execution.cwd,
        timeoutMs: execution.timeoutMs,
        idempotent: task.idempotent,
        heartbeatMs: this.heartbeatMs,
        logs: { component: run.component, team: run.team, firstSeq: seq },
        assignedAt: new Date().toISOString(),
      });
    });
    return id;
  }

  /** The assignment with its ages in database time (instances' and workers' clocks need not agree). */
  async snapshot(id: string): Promise<AssignmentSnapshot> {
    const [row] = await this.dataSource.query<
      {
        status: AssignmentSnapshot['status'];
        worker_id: string | null;
        result: AssignmentSnapshot['result'];
        abandon_reason: string | null;
        assigned_age_ms: number;
        heartbeat_age_ms: number | null;
      }[]
    >(
      `SELECT status, worker_id, result, abandon_reason,
              (extract(epoch FROM now() - assigned_at) * 1000)::float8 AS assigned_age_ms,
              (extract(epoch FROM now() - heartbeat_at) * 1000)::float8 AS heartbeat_age_ms
         FROM task_assignments WHERE id = $1`,
      [id],
    );
    if (row === undefined) throw new Error(`assignment ${id} does not exist`);
    return {
      status: row.status,
      workerId: row.worker_id,
      result: row.result,
      abandonReason: row.abandon_reason,
      assignedAgeMs: row.assigned_age_ms,
      heartbeatAgeMs: row.heartbeat_age_ms,
    };
  }

  /** The result went to the run's executor (recorded to tell, in the row, a result the engine used from one it never saw). */
  async markDelivered(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE task_assignments SET delivered_at = now() WHERE id = $1`, [id]);
  }

  /** Gives a live assignment up and tells its worker (if one took it) to stop. No-op once it is over. */
  async abandon(id: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // An UPDATE ... RETURNING answers [rows, affected count].
      const [rows] = await manager.query<[{ run_id: string; pool: string; worker_id: string | null }[], number]>(
        `UPDATE task_assignments SET status = 'abandoned', abandon_reason = $2
          WHERE id = $1 AND ${LIVE} RETURNING run_id, pool, worker_id`,
        [id, reason],
      );
      const row = rows[0];
      if (row === undefined) return;
      await this.cancel(manager, { id, runId: row.run_id, pool: row.pool }, row.worker_id, reason);
      await this.notifications.notify(manager, id);
    });
  }

  /**
   * Gives up the live assignments whose task run is over: the run finished, or was resumed and the task
   * failed without running again (not idempotent). Their workers are told to stop.
   */
  async sweep(): Promise<number> {
    const over = await this.dataSource.query<{ id: string; status: string }[]>(
      `SELECT a.id, t.status FROM task_assignments a JOIN task_runs t ON t.id = a.task_run_id
        WHERE a.${LIVE} AND t.status <> 'running'`,
    );
    for (const { id, status } of over) await this.abandon(id, `the task run is over (${status})`);
    return over.length;
  }

  async recordAccepted(manager: EntityManager, message: TaskAssignmentAccepted): Promise<void> {
    const row = await this.lock(manager, message.assignmentId);
    if (row === null) return;
    if (row.status === 'assigned') {
      await manager.query(
        `UPDATE task_assignments SET status = 'accepted', worker_id = $2, accepted_at = now(), heartbeat_at = now()
          WHERE id = $1`,
        [row.id, message.workerId],
      );
      return this.notifications.notify(manager, row.id);
    }
    if (row.workerId === message.workerId) return; // a duplicate
    // Another worker took it too (a redelivered assignment), or it was given up: that worker must stop.
    await this.cancel(manager, row, message.workerId, this.notYours(row));
  }

  async recordHeartbeat(manager: EntityManager, message: TaskAssignmentHeartbeat): Promise<void> {
    const row = await this.lock(manager, message.assignmentId);
    if (row === null || row.status === 'finished' || row.status === 'assigned') return;
    if (row.status === 'accepted' && row.workerId === message.workerId) {
      await manager.query(
        `UPDATE task_assignments SET heartbeat_at = now(), log_lines = greatest(log_lines, $2) WHERE id = $1`,
        [row.id, message.logLines],
      );
      return;
    }
    await this.cancel(manager, row, message.workerId, this.notYours(row));
  }

  async recordFinished(manager: EntityManager, message: TaskAssignmentFinished): Promise<void> {
    const row = await this.lock(manager, message.assignmentId);
    if (row === null) return;
    if (row.status !== 'accepted' || row.workerId !== message.workerId) {
      if (row.status === 'abandoned')
        this.logger.log(
          { assignmentId: row.id, workerId: message.workerId, reason: row.abandonReason },
          'late result of an abandoned assignment ignored',
        );
      return;
    }
    await manager.query(
      `UPDATE task_assignments SET status = 'finished', result = $2, finished_at = now(), log_lines = greatest(log_lines, $3)
        WHERE id = $1`,
      [
        row.id,
        JSON.stringify({
          outcome: message.outcome,
          exitCode: message.exitCode,
          timedOut: message.timedOut,
          durationMs: message.durationMs,
          outputs: message.outputs,
          ...(message.error !== undefined ? { error: message.error } : {}),
        }),
        message.logLines,
      ],
    );
    await this.notifications.notify(manager, row.id);
  }

  private notYours(row: TaskAssignment): string {
    return row.status === 'abandoned'
      ? `the engine gave the assignment up: ${row.abandonReason ?? 'no reason'}`
      : `worker ${row.workerId ?? 'another worker'} runs it`;
  }

  private async lock(manager: EntityManager, id: string): Promise<TaskAssignment | null> {
    const row = await manager.findOne(TaskAssignment, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (row === null) this.logger.warn({ assignmentId: id }, 'message about an unknown assignment ignored');
    return row;
  }

  private async cancel(
    manager: EntityManager,
    assignment: { id: string; runId: string; pool: string },
    workerId: string | null,
    reason: string,
  ): Promise<void> {
    await this.bus.ensureTopics([tasksTopic(assignment.pool)]);
    await this.outbox.publish(manager, poolMessagesFor(assignment.pool).cancelled, {
      assignmentId: assignment.id,
      runId: assignment.runId,
      pool: assignment.pool,
      ...(workerId !== null ? { workerId } : {}),
      reason,
    });
  }
}
