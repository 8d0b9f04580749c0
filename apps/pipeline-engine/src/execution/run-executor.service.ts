import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { context, trace, type Span } from '@opentelemetry/api';
import {
  LogLines,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_STARTED,
  PipelineRunFinished,
  PipelineRunStarted,
  sourceOf,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  TaskRunFinished,
  TaskRunStarted,
  type InlineStage,
  type Outcome,
  type ShellTask,
} from '@pipewright/contracts';
import { runTaskProcess, type TaskProcessResult } from '@pipewright/engine-core';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import {
  contextFromTraceparent,
  currentTraceparent,
  endWithResult,
  startRunSpan,
  startTaskSpan,
  withContext,
} from '@pipewright/telemetry';
import { DataSource, IsNull, Not, type EntityManager, type Repository } from 'typeorm';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import { SERVICE_NAME, type EngineConfig } from '../config/env';
import { EnvironmentService } from '../environments/environment.service';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { TaskLogPublisher } from './task-log-publisher';
import { taskEnvironment } from './task-environment';

const SOURCE = sourceOf(SERVICE_NAME);

/** How a stage or a run ended, and why if not well. */
interface Result {
  outcome: Outcome;
  errors?: string;
}

/** A run being executed (so its version is known), and the signal that cancels it. */
interface Execution {
  run: Run & { version: string };
  signal: AbortSignal;
}

/**
 * Executes runs in this process, one after another stage by stage and task by task, writing every
 * state change to Postgres together with the event that announces it. Each run is one trace: the
 * run span's context is active for everything the run does, so the traceparent stored with each
 * outbox row (and sent with each log batch) puts the provisioner's and forwarder's work for the run
 * into the same trace. (Resuming runs after a crash is a later issue; the state needed for it is here.)
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly executing = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
    private readonly environments: EnvironmentService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(StageRun) private readonly stageRuns: Repository<StageRun>,
    @InjectRepository(TaskRun) private readonly taskRuns: Repository<TaskRun>,
  ) {}

  /**
   * Runs that got their version while no engine was there to start them (it was stopping, or
   * crashed between commit and start) start now. Resuming runs that were already running is a
   * later issue.
   */
  async onApplicationBootstrap(): Promise<void> {
    const ready = await this.runs.find({
      select: { id: true },
      where: { status: 'queued', version: Not(IsNull()) },
      order: { createdAt: 'ASC' },
    });
    for (const { id } of ready) this.start(id);
  }

  /** Starts executing a queued run that has its version, unless it is already executing here. */
  start(runId: string): void {
    if (this.stopping || this.executing.has(runId)) return;
    const abort = new AbortController();
    const done = this.execute(runId, abort.signal)
      .catch((error: unknown) => this.logger.error({ err: error, runId }, 'run execution failed'))
      .finally(() => this.executing.delete(runId));
    this.executing.set(runId, { abort, done });
  }

  /** Runs executing in this process. */
  get active(): number {
    return this.executing.size;
  }

  /** On shutdown, running tasks are cancelled (their process groups terminated) and the runs finished as `cancel`. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const { abort } of this.executing.values()) abort.abort(new Error('the engine is shutting down'));
    await Promise.allSettled([...this.executing.values()].map((e) => e.done));
  }

  private async execute(runId: string, signal: AbortSignal): Promise<void> {
    const run = await this.runs.findOneBy({ id: runId });
    if (!run || run.status !== 'queued' || run.version === null) return;
    const parent = contextFromTraceparent(run.traceparent ?? undefined, run.tracestate ?? undefined);
    const span = startRunSpan(run.pipelineName, run.id, parent, {
      'pipewright.component': run.component,
      'pipewright.team': run.team,
      'pipewright.version': run.version,
    });
    await withContext(trace.setSpan(parent, span), () =>
      this.executeInSpan({ run: run as Execution['run'], signal }, span),
    );
  }

  private async executeInSpan(execution: Execution, span: Span): Promise<void> {
    const { run } = execution;
    let startedAt: Date | undefined;
    let result: Result;
    try {
      startedAt = await this.markStarted(run);
      if (!startedAt) {
        span.end(); // someone else started it first
        return;
      }
      result = await this.runStages(execution);
    } catch (error) {
      this.logger.error({ err: error, runId: run.id }, 'run failed in the engine');
      result = { outcome: 'error', errors: `engine error: ${(error as Error).message}` };
    }
    try {
      await this.finish(run, startedAt ?? new Date(), result);
    } finally {
      endWithResult(span, result.outcome, { message: result.errors });
    }
  }

  /** queued -> running with `pipelinerun.started`; undefined when the run was not queued any more. */
  private async markStarted(run: Execution['run']): Promise<Date | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const startedAt = new Date();
      const claimed = await manager
        .createQueryBuilder()
        .update(Run)
        .set({ status: 'running', startedAt })
        .where('id = :id AND status = :status', { id: run.id, status: 'queued' })
        .execute();
      if (claimed.affected !== 1) return undefined;
      await this.outbox.publish(
        manager,
        PipelineRunStarted,
        newCDEvent(
          PIPELINE_RUN_STARTED,
          SOURCE,
          { id: run.id, content: { pipelineName: run.pipelineName } },
          { component: run.component, team: run.team, solution: run.solution, version: run.version },
        ),
      );
      this.logger.log({ runId: run.id, version: run.version }, 'run started');
      return startedAt;
    });
  }

  private async runStages(execution: Execution): Promise<Result> {
    const { run, signal } = execution;
    const stages = await this.stageRuns.find({ where: { runId: run.id }, order: { position: 'ASC' } });
    const tasks = await this.taskRuns.find({ where: { runId: run.id }, order: { position: 'ASC' } });
    let failed: Result | undefined;
    for (const stage of stages) {
      if (!failed && signal.aborted) failed = cancelled(signal);
      if (failed) {
        await this.skipStage(stage);
        continue;
      }
      const definition = run.definition.stages.find((s) => s.name === stage.name);
      if (!definition) throw new Error(`stage "${stage.name}" is not in the run's definition`);
      const result = await this.runStage(
        execution,
        stage,
        definition,
        tasks.filter((t) => t.stageRunId === stage.id),
      );
      if (result.outcome !== 'success') failed = result;
    }
    return failed ?? { outcome: 'success' };
  }

  private async runStage(execution: Execution, stage: StageRun, definition: InlineStage, tasks: TaskRun[]) {
    const { run, signal } = execution;
    await this.stageRuns.update(stage.id, { status: 'running', startedAt: new Date() });
    let failed: Result | undefined;
    let environmentUrl: string | undefined;
    if (definition.environment) {
      const requested = await this.environments.provision(run, stage, definition.environment);
      const timeoutSeconds = this.config.PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS;
      const settled = await this.environments.waitUntilSettled(requested.id, timeoutSeconds * 1000, signal);
      const name = definition.environment.name;
      switch (settled.status) {
        case 'ready':
          environmentUrl = settled.environment.url ?? undefined;
          break;
        case 'failed':
          failed = { outcome: 'failure', errors: `environment "${name}" failed: ${settled.reason}` };
          break;
        case 'timeout':
          failed = { outcome: 'failure', errors: `environment "${name}" was not ready within ${timeoutSeconds} s` };
          break;
        case 'cancelled':
          failed = cancelled(signal);
          break;
      }
    }
    for (const task of tasks) {
      if (!failed && signal.aborted) failed = cancelled(signal);
      if (failed) break;
      const taskDefinition = definition.tasks.find((t) => t.name === task.name);
      if (!taskDefinition) throw new Error(`task "${task.name}" is not in stage "${stage.name}" of the definition`);
      const result = await this.runTask(execution, stage, task, taskDefinition, environmentUrl);
      if (result.outcome !== 'success') {
        failed = { outcome: result.outcome, errors: `task "${task.name}" of stage "${stage.name}" ${result.errors}` };
      }
    }
    await this.dataSource.transaction(async (manager) => {
      await skipPendingTasks(manager, { stageRunId: stage.id });
      await manager.update(StageRun, stage.id, {
        status: failed?.outcome ?? 'success',
        errors: failed?.errors ?? null,
        finishedAt: new Date(),
      });
    });
    return failed ?? { outcome: 'success' as const };
  }

  private async skipStage(stage: StageRun): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await skipPendingTasks(manager, { stageRunId: stage.id });
      await manager.update(StageRun, stage.id, { status: 'skipped' });
    });
  }

  private async runTask(
    execution: Execution,
    stage: StageRun,
    task: TaskRun,
    definition: ShellTask,
    environmentUrl: string | undefined,
  ): Promise<Required<Result>> {
    const span = startTaskSpan(task.name, task.id, context.active(), { 'pipewright.stage': stage.name });
    return withContext(trace.setSpan(context.active(), span), async () => {
      try {
        return await this.runTaskInSpan(execution, stage, task, definition, environmentUrl, span);
      } catch (error) {
        // The engine failed around the task (database, ...); the task's own failures are results, not throws.
        endWithResult(span, 'error', { message: 'engine error' });
        throw error;
      }
    });
  }

  private async runTaskInSpan(
    execution: Execution,
    stage: StageRun,
    task: TaskRun,
    definition: ShellTask,
    environmentUrl: string | undefined,
    span: Span,
  ): Promise<Required<Result>> {
    const { run, signal } = execution;
    const startedAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.update(TaskRun, task.id, { status: 'running', startedAt, attempt: task.attempt });
      await this.outbox.publish(
        manager,
        TaskRunStarted,
        newCDEvent(
          TASK_RUN_STARTED,
          SOURCE,
          { id: task.id, content: { taskName: task.name, pipelineRun: { id: run.id, source: SOURCE } } },
          { component: run.component, stage: stage.name, attempt: task.attempt },
        ),
      );
    });

    const traceparent = currentTraceparent();
    const logs = new TaskLogPublisher({
      send: async (lines) => {
        await this.bus.publishDirect(
          LogLines,
          {
            runId: run.id,
            taskRunId: task.id,
            taskName: task.name,
            stage: stage.name,
            component: run.component,
            team: run.team,
            lines,
          },
          traceparent === undefined ? {} : { traceparent },
        );
      },
      onDropped: (error, lines) =>
        this.logger.warn({ err: error, runId: run.id, taskRunId: task.id, lines }, 'log lines dropped'),
    });
    let result: TaskProcessResult;
    try {
      result = await runTaskProcess({
        command: definition.run,
        cwd: run.workspace,
        env: taskEnvironment({
          inherited: process.env,
          task: definition.env,
          runId: run.id,
          version: run.version,
          component: run.component,
          environmentUrl,
        }),
        timeoutMs: definition.timeoutSeconds * 1000,
        signal,
        onLine: (line) => logs.add(line),
      });
    } catch (error) {
      // Only the runner's own set-up (its temp directory) can throw; the task did not run.
      result = { exitCode: null, signal: null, outcome: 'error', timedOut: false, durationMs: 0, outputs: {} };
      result.error = error instanceof Error ? error : new Error(String(error));
    } finally {
      await logs.close();
    }

    const errors = describeTaskResult(result, definition.timeoutSeconds, signal);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(TaskRun, task.id, {
        status: result.outcome,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        outputs: result.outputs,
        logLines: logs.lines,
        errors: errors ?? null,
        finishedAt: new Date(),
      });
      await this.outbox.publish(
        manager,
        TaskRunFinished,
        newCDEvent(
          TASK_RUN_FINISHED,
          SOURCE,
          {
            id: task.id,
            content: {
              taskName: task.name,
              pipelineRun: { id: run.id, source: SOURCE },
              outcome: result.outcome,
              ...(errors ? { errors } : {}),
            },
          },
          {
            component: run.component,
            stage: stage.name,
            attempt: task.attempt,
            exitCode: result.exitCode,
            startedAt: startedAt.toISOString(),
            durationMs: result.durationMs,
          },
        ),
      );
    });
    endWithResult(span, result.timedOut ? 'timeout' : result.outcome, { message: errors });
    return { outcome: result.outcome, errors: errors ?? '' };
  }

  /** Destroys the run's environments and records its end with `pipelinerun.finished`, in one transaction. */
  private async finish(run: Execution['run'], startedAt: Date, result: Result): Promise<void> {
    const finishedAt = new Date();
    const durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
    await this.dataSource.transaction(async (manager) => {
      await this.environments.requestDestroyAll(manager, run.id, 'run finished');
      // After an engine error mid-run: what was under way ends in `error`, what had not started is
      // skipped, so nothing of a finished run stays running or pending.
      const interrupted = { status: 'error' as const, errors: 'interrupted by an engine error', finishedAt };
      await manager.update(TaskRun, { runId: run.id, status: 'running' }, interrupted);
      await manager.update(StageRun, { runId: run.id, status: 'running' }, interrupted);
      await skipPendingTasks(manager, { runId: run.id });
      await manager.update(StageRun, { runId: run.id, status: 'pending' }, { status: 'skipped' });
      await manager.update(Run, run.id, {
        status: result.outcome,
        errors: result.errors ?? null,
        finishedAt,
        durationMs,
      });
      await this.outbox.publish(
        manager,
        PipelineRunFinished,
        newCDEvent(
          PIPELINE_RUN_FINISHED,
          SOURCE,
          {
            id: run.id,
            content: {
              pipelineName: run.pipelineName,
              outcome: result.outcome,
              ...(result.errors ? { errors: result.errors } : {}),
            },
          },
          { component: run.component, team: run.team, solution: run.solution, version: run.version, durationMs },
        ),
      );
    });
    this.logger.log({ runId: run.id, outcome: result.outcome, durationMs }, 'run finished');
  }
}

async function skipPendingTasks(manager: EntityManager, where: { stageRunId: string } | { runId: string }) {
  await manager.update(TaskRun, { ...where, status: 'pending' }, { status: 'skipped' });
}

function cancelled(signal: AbortSignal): Result {
  const reason: unknown = signal.reason;
  return { outcome: 'cancel', errors: `cancelled: ${reason instanceof Error ? reason.message : String(reason)}` };
}

/** Why a task did not succeed, in a few words; undefined when it did. */
function describeTaskResult(
  result: TaskProcessResult,
  timeoutSeconds: number,
  signal: AbortSignal,
): string | undefined {
  switch (result.outcome) {
    case 'success':
      return undefined;
    case 'failure':
      if (result.timedOut) return `timed out after ${timeoutSeconds} s`;
      return result.exitCode !== null ? `exited with code ${result.exitCode}` : `was ended by ${result.signal}`;
    case 'cancel':
      return `was ${cancelled(signal).errors}`;
    case 'error':
      return `could not be run: ${result.error?.message ?? 'unknown error'}`;
  }
}
