import { Logger } from '@nestjs/common';
import { context, trace, type Context, type Span } from '@opentelemetry/api';
import {
  LogLines,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PipelineRunFinished,
  sourceOf,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  TaskRunFinished,
  TaskRunStarted,
} from '@pipewright/contracts';
import type {
  ApprovalEvent,
  EnvironmentEvent,
  RunFinishedEvent,
  RunReporter,
  RunState,
  StageFinishedEvent,
  StageStartedEvent,
  TaskFinishedEvent,
  TaskLineEvent,
  TaskStartedEvent,
  WarningEvent,
} from '@pipewright/engine-core';
import { TaskLogPublisher, type EventBus, type OutboxWriter } from '@pipewright/event-bus';
import { stageTasks, type PipelineGraph, type StageNode } from '@pipewright/pipeline-spec';
import { currentTraceparent, endWithResult, startTaskSpan, withContext } from '@pipewright/telemetry';
import type { DataSource, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import type { ApprovalService } from '../approvals/approval.service';
import { SERVICE_NAME } from '../config/env';
import type { EnvironmentService } from '../environments/environment.service';
import { StageEnvironment } from '../environments/stage-environment.entity';
import type { LogTailWriter } from '../logs/log-tail.writer';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { runErrors } from './run-errors';
import type { RunLeases } from './run-leases';
import { stageRowOf, taskRowOf } from './run-state';

const SOURCE = sourceOf(SERVICE_NAME);

/** A run being executed: its version is known. */
export type ExecutingRun = Run & { version: string; startedAt: Date };

/** Where the run's rows are: ids by stage name and by graph task id, and each task run's published lines. */
export interface RunRows {
  stageRunIds: ReadonlyMap<string, string>;
  taskRunIds: ReadonlyMap<string, string>;
  logLines: Map<string, number>;
}

export interface PostgresRunReporterDeps {
  dataSource: DataSource;
  outbox: OutboxWriter;
  bus: EventBus;
  environments: EnvironmentService;
  approvals: ApprovalService;
  leases: RunLeases;
  logTail: LogTailWriter;
}

/** A transaction's writes, in the order the executor reported them. */
type Work = (manager: EntityManager) => Promise<void>;

/** A task attempt in progress: its span (the task's events and log lines belong to it) and its log lines. */
interface Attempt {
  span: Span;
  context: Context;
  startedAt: string;
  logs: TaskLogPublisher;
}

/** Thrown by every report once the reporter is frozen, which stops the executor without finishing the run. */
export class ReporterFrozen extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ReporterFrozen';
  }
}

/** The run's lease is no longer this instance's: another one took the run over, and only it may write. */
export class LeaseLost extends Error {
  constructor(runId: string) {
    super(`run ${runId} was taken over by another engine instance (its lease expired)`);
    this.name = 'LeaseLost';
  }
}

/**
 * engine-core's RunReporter for the service: every change of the run's state is committed to its rows,
 * together with the outbox event that announces it, *before* the executor goes on (a task's process
 * starts only once its `running` row is committed). Reports are committed one at a time in the order
 * the executor made them, so rows never go back to an older state and events leave in order. Log
 * lines are not state: they go straight to Kafka in batches.
 */
export class PostgresRunReporter implements RunReporter {
  private readonly logger = new Logger(PostgresRunReporter.name);
  private readonly attempts = new Map<string, Attempt>();
  private queue: Promise<unknown> = Promise.resolve();
  private frozen: ReporterFrozen | undefined;
  /** Writes that may wait for the next transaction (see `defer`), and why the last flush of them failed. */
  private deferred: Work[] = [];
  private deferredFailure: Error | undefined;
  /** The transaction in progress once the lease fence has been checked in it (see `update`). */
  private fencedIn: EntityManager | undefined;
  /** Who cancelled the run and why, when it was cancelled through the API (see noteCancellation). */
  private cancellation: string | undefined;

  constructor(
    private readonly deps: PostgresRunReporterDeps,
    private readonly run: ExecutingRun,
    private readonly graph: PipelineGraph,
    private readonly rows: RunRows,
    /** The state the rows held when the reporter was made: what the executor continues from. */
    readonly initialState: RunState,
  ) {}

  get stageRunIds(): ReadonlyMap<string, string> {
    return this.rows.stageRunIds;
  }

  /**
   * Makes every later report fail, so the executor stops at once (killing running tasks) and leaves the
   * run as its rows say, for an engine to resume: what a shutdown does instead of finishing runs.
   */
  freeze(reason: string): void {
    this.frozen ??= new ReporterFrozen(reason);
  }

  /** The run is being cancelled through the API: its errors will say so (`text`: who and why) should it end `cancel`. */
  noteCancellation(text: string): void {
    this.cancellation ??= text;
  }

  get isFrozen(): boolean {
    return this.frozen !== undefined;
  }

  /** Why the reporter was frozen (shutdown, lease taken over), if it was. */
  get frozenReason(): string | undefined {
    return this.frozen?.message;
  }

  onStageStarted(event: StageStartedEvent): Promise<void> {
    // Nothing outside sees a stage start until a task of it starts: it rides along with that commit.
    return this.defer((manager) => this.writeStage(manager, event.stage, event.state));
  }

  async onStageFinished(event: StageFinishedEvent): Promise<void> {
    await this.commit(async (manager) => {
      await this.writeStage(manager, event.stage, event.state);
      // Tasks that never got their turn were marked skipped with the stage; they have no events of their own.
      for (const task of stageTasks(event.stage)) await this.writeTask(manager, task.id, event.state);
    });
  }

  async onApproval(event: ApprovalEvent): Promise<void> {
    await this.commit(async (manager) => {
      await this.writeStage(manager, event.stage, event.state);
      if (event.kind === 'requested') {
        const requestedAt = event.state.stages[event.stage.name]?.approval?.requestedAt ?? event.at;
        await this.deps.approvals.announceRequest(manager, this.run, event.stage.name, event.approval, requestedAt);
        return;
      }
      // A person's decision is in the row already (with its event); one the executor made (a timeout) is not.
      const stageRunId = this.rows.stageRunIds.get(event.stage.name);
      if (stageRunId !== undefined)
        await this.deps.approvals.recordExecutorDecision(manager, this.run, stageRunId, event.decision);
    });
  }

  async onEnvironment(event: EnvironmentEvent): Promise<void> {
    // Providing and releasing an ephemeral environment commit their own rows (StageEnvironmentProvider); a
    // long-lived one is only looked up, so which one the stage got is written here; a failed release is news.
    const id = event.environment.details?.environmentId;
    const stageRunId = this.rows.stageRunIds.get(event.stage.name);
    if (event.kind === 'provided' && event.environment.details?.lifetime === 'long-lived' && id && stageRunId)
      return this.commit(async (manager) => {
        await manager.update(StageRun, stageRunId, { longLivedEnvironmentId: id });
      });
    if (event.kind !== 'release-failed' || id === undefined) return this.check();
    await this.commit(async (manager) => {
      await manager.update(StageEnvironment, id, { releaseError: event.environment.releaseError ?? 'unknown' });
    });
  }

  async onTaskStarted(event: TaskStartedEvent): Promise<void> {
    const { task, attempt } = event;
    const taskRunId = this.taskRunId(task.id);
    const span = startTaskSpan(task.name, taskRunId, context.active(), {
      'pipewright.stage': task.stage,
      'pipewright.attempt': attempt,
    });
    const spanContext = trace.setSpan(context.active(), span);
    const traceparent = withContext(spanContext, currentTraceparent);
    const logs = new TaskLogPublisher({
      firstSeq: this.rows.logLines.get(task.id) ?? 0,
      send: async (lines) => {
        await this.deps.bus.publishDirect(
          LogLines,
          {
            runId: this.run.id,
            taskRunId,
            taskName: task.name,
            stage: task.stage,
            component: this.run.component,
            team: this.run.team,
            lines,
          },
          traceparent === undefined ? {} : { traceparent },
        );
      },
      onDropped: (error, lines) =>
        this.logger.warn({ err: error, runId: this.run.id, taskRunId, lines }, 'log lines dropped'),
      tail: this.deps.logTail.forTask(this.run.id, taskRunId),
    });
    this.attempts.set(task.id, { span, context: spanContext, startedAt: event.at, logs });
    try {
      await this.commit((manager) =>
        withContext(spanContext, async () => {
          await this.writeTask(manager, task.id, event.state);
          await this.deps.outbox.publish(
            manager,
            TaskRunStarted,
            newCDEvent(
              TASK_RUN_STARTED,
              SOURCE,
              { id: taskRunId, content: { taskName: task.name, pipelineRun: { id: this.run.id, source: SOURCE } } },
              { component: this.run.component, stage: task.stage, attempt },
            ),
          );
        }),
      );
    } catch (error) {
      this.attempts.delete(task.id);
      endWithResult(span, 'error', { message: 'the engine could not record the start' });
      throw error;
    }
  }

  onTaskLine(event: TaskLineEvent): Promise<void> | undefined {
    return this.attempts.get(event.task.id)?.logs.add(event.line);
  }

  async onTaskFinished(event: TaskFinishedEvent): Promise<void> {
    const { task, result } = event;
    const taskRunId = this.taskRunId(task.id);
    const attempt = this.attempts.get(task.id);
    this.attempts.delete(task.id);
    if (attempt) {
      // The lines go out before the task is reported finished, so a reader of both sees the whole output.
      await attempt.logs.close();
      this.rows.logLines.set(task.id, attempt.logs.lines);
    }
    const state = event.state.tasks[task.id];
    try {
      await this.commit((manager) =>
        withContext(attempt?.context ?? context.active(), async () => {
          await this.writeTask(manager, task.id, event.state);
          // A task skipped without starting has no run to announce; its stage's row says why.
          if (result.outcome === 'skipped' || result.attempt < 1) return;
          await this.deps.outbox.publish(
            manager,
            TaskRunFinished,
            newCDEvent(
              TASK_RUN_FINISHED,
              SOURCE,
              {
                id: taskRunId,
                content: {
                  taskName: task.name,
                  pipelineRun: { id: this.run.id, source: SOURCE },
                  outcome: result.outcome,
                  ...(result.error ? { errors: result.error } : {}),
                },
              },
              {
                component: this.run.component,
                stage: task.stage,
                attempt: result.attempt,
                exitCode: result.exitCode,
                startedAt: attempt?.startedAt ?? state?.startedAt ?? event.at,
                durationMs: Math.max(0, Math.round(result.durationMs)),
              },
            ),
          );
        }),
      );
    } finally {
      if (attempt) endWithResult(attempt.span, result.outcome, { message: result.error });
    }
  }

  onWarning(event: WarningEvent): void {
    this.logger.warn({ runId: this.run.id, taskId: event.taskId }, event.message);
  }

  async onRunFinished(event: RunFinishedEvent): Promise<void> {
    const finishedAt = new Date(event.state.finishedAt ?? event.at);
    const durationMs = Math.max(0, finishedAt.getTime() - this.run.startedAt.getTime());
    const errors =
      [event.outcome === 'cancel' ? this.cancellation : undefined, runErrors(this.graph, event.state)]
        .filter((part) => part !== undefined)
        .join('; ') || undefined;
    await this.commit(async (manager) => {
      // Every row once more from the final state, so the finished run reads exactly as the executor ended it.
      for (const stage of this.graph.stages) {
        await this.writeStage(manager, stage, event.state);
        for (const task of stageTasks(stage)) await this.writeTask(manager, task.id, event.state);
      }
      // Environments the executor never got (the stage gave up waiting) may still come up: ask to destroy them too.
      await this.deps.environments.requestDestroyAll(manager, this.run.id, 'run finished');
      await manager.update(Run, this.run.id, {
        status: event.outcome,
        errors: errors ?? null,
        finishedAt,
        durationMs,
      });
      await this.deps.outbox.publish(
        manager,
        PipelineRunFinished,
        newCDEvent(
          PIPELINE_RUN_FINISHED,
          SOURCE,
          {
            id: this.run.id,
            content: {
              pipelineName: this.run.pipelineName,
              outcome: event.outcome,
              ...(errors ? { errors } : {}),
            },
          },
          {
            component: this.run.component,
            team: this.run.team,
            solution: this.run.solution,
            version: this.run.version,
            durationMs,
          },
        ),
      );
    });
    this.logger.log({ runId: this.run.id, outcome: event.outcome, durationMs }, 'run finished');
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Runs `work` in a transaction after every earlier report's (with the deferred writes before it);
   * rejects (and so stops the run) when frozen. Each transaction is fenced by the run's lease: once
   * another instance has taken the run over, nothing more is written and the reporter freezes.
   */
  private commit(work?: Work): Promise<void> {
    const next = this.queue.then(async () => {
      this.check();
      const works = this.deferred.splice(0);
      if (work) works.push(work);
      if (works.length === 0) return;
      try {
        await this.deps.dataSource.transaction(async (manager) => {
          for (const write of works) await write(manager);
          if (this.fencedIn !== manager && !(await this.deps.leases.holds(manager, this.run.id)))
            throw new LeaseLost(this.run.id);
        });
      } catch (error) {
        if (error instanceof LeaseLost) this.freeze(error.message);
        throw error;
      } finally {
        this.fencedIn = undefined;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * A write that need not be committed before the executor goes on (no event, nothing started): it
   * goes into the next report's transaction, or its own one a tick later if no report follows at once.
   */
  private async defer(work: Work): Promise<void> {
    this.check();
    this.deferred.push(work);
    setImmediate(() => {
      if (this.deferred.length > 0) this.commit().catch((error: unknown) => (this.deferredFailure ??= toError(error)));
    });
  }

  private check(): void {
    if (this.frozen) throw this.frozen;
    if (this.deferredFailure) throw this.deferredFailure;
  }

  /**
   * Updates one of the run's rows; the first update of a transaction carries the lease fence as its
   * condition (no extra round trip), so a row that was not updated means the lease is gone.
   */
  private async update<E extends StageRun | TaskRun>(
    manager: EntityManager,
    target: new () => E,
    id: string,
    values: QueryDeepPartialEntity<E>,
  ): Promise<void> {
    if (this.fencedIn === manager) {
      await manager.update(target, id, values);
      return;
    }
    const fence = this.deps.leases.fence(this.run.id);
    const result = await manager
      .createQueryBuilder()
      .update(target)
      .set(values)
      .where('id = :id', { id })
      .andWhere(fence.condition, fence.parameters)
      .execute();
    if (result.affected !== 1) throw new LeaseLost(this.run.id);
    this.fencedIn = manager;
  }

  private async writeStage(manager: EntityManager, stage: StageNode, state: Readonly<RunState>): Promise<void> {
    const stageState = state.stages[stage.name];
    const id = this.rows.stageRunIds.get(stage.name);
    if (stageState === undefined || id === undefined) return;
    await this.update(manager, StageRun, id, stageRowOf(stageState));
  }

  private async writeTask(manager: EntityManager, taskId: string, state: Readonly<RunState>): Promise<void> {
    const taskState = state.tasks[taskId];
    if (taskState === undefined) return;
    await this.update(manager, TaskRun, this.taskRunId(taskId), {
      ...taskRowOf(taskState),
      logLines: this.rows.logLines.get(taskId) ?? 0,
    });
  }

  private taskRunId(taskId: string): string {
    const id = this.rows.taskRunIds.get(taskId);
    if (id === undefined) throw new Error(`task "${taskId}" has no row in run ${this.run.id}`);
    return id;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
