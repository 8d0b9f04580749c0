import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { trace, type Span } from '@opentelemetry/api';
import {
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_STARTED,
  PipelineRunFinished,
  PipelineRunStarted,
  sourceOf,
} from '@pipewright/contracts';
import { executePipeline, ExecutorError } from '@pipewright/engine-core';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { pipelineGraphSchema, type PipelineGraph } from '@pipewright/pipeline-spec';
import { contextFromTraceparent, endWithResult, startRunSpan, withContext } from '@pipewright/telemetry';
import { DataSource, In, IsNull, Not, type EntityManager, type Repository } from 'typeorm';
import { ApprovalService } from '../approvals/approval.service';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import { SERVICE_NAME, type EngineConfig } from '../config/env';
import { EnvironmentService } from '../environments/environment.service';
import { StageEnvironmentProvider } from '../environments/stage-environment.provider';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { PostgresRunReporter, type ExecutingRun } from './postgres-run-reporter';
import { loadRunState, taskIdOf } from './run-state';
import { taskBaseEnvironment } from './task-environment';

const SOURCE = sourceOf(SERVICE_NAME);

/** After the database failed under a run, it is resumed from its rows this much later. */
export const RESUME_AFTER_FAILURE_MS = 5_000;

/** A run executing in this process. */
interface Execution {
  /** Aborting it stops the executor; with the reporter frozen first, the run is left to be resumed. */
  stop: AbortController;
  reporter?: PostgresRunReporter;
  done: Promise<void>;
}

/**
 * Executes runs with engine-core's `executePipeline`, with Postgres as the state and the outbox as the
 * announcer (PostgresRunReporter), the provisioner as the environment provider, and each run as one
 * trace. Runs are durable: the rows are the run's state, so an engine that starts resumes every run
 * that is not finished (finished tasks are not run again; a task that was running is run again only if
 * it is idempotent). Stopping the engine leaves runs as they are, to be resumed, rather than finishing them.
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly executing = new Map<string, Execution>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
    private readonly environments: EnvironmentService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly approvals: ApprovalService,
  ) {}

  /** Every run that is not finished continues: those that were running, and those that got their version meanwhile. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.runs.find({
      select: { id: true, status: true },
      where: [{ status: 'running' }, { status: 'queued', version: Not(IsNull()) }],
      order: { createdAt: 'ASC' },
    });
    if (unfinished.length > 0)
      this.logger.log({ runs: unfinished.map((r) => r.id) }, `resuming ${unfinished.length} unfinished run(s)`);
    for (const { id } of unfinished) this.start(id);
  }

  /** Starts (or resumes) executing a run that has its version, unless it is already executing here. */
  start(runId: string): void {
    if (this.stopping || this.executing.has(runId)) return;
    const execution: Execution = { stop: new AbortController(), done: Promise.resolve() };
    execution.done = this.execute(runId, execution)
      .catch((error: unknown) => this.logger.error({ err: error, runId }, 'run execution failed'))
      .finally(() => this.executing.delete(runId));
    this.executing.set(runId, execution);
  }

  /** Runs executing in this process. */
  get active(): number {
    return this.executing.size;
  }

  /**
   * On shutdown, runs are suspended, not finished: reports stop being recorded, running tasks are
   * killed, and the rows keep the state the next engine resumes from (as after a crash).
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    for (const execution of this.executing.values()) {
      execution.reporter?.freeze('the engine is shutting down');
      execution.stop.abort(new Error('the engine is shutting down'));
    }
    await Promise.allSettled([...this.executing.values()].map((e) => e.done));
  }

  private async execute(runId: string, execution: Execution): Promise<void> {
    const run = await this.runs.findOneBy({ id: runId });
    if (!run || run.version === null || (run.status !== 'queued' && run.status !== 'running')) return;
    const parent = contextFromTraceparent(run.traceparent ?? undefined, run.tracestate ?? undefined);
    const span = startRunSpan(run.pipelineName, run.id, parent, {
      'pipewright.component': run.component,
      'pipewright.team': run.team,
      'pipewright.version': run.version,
    });
    await withContext(trace.setSpan(parent, span), () => this.executeInSpan(runId, execution, span));
  }

  private async executeInSpan(runId: string, execution: Execution, span: Span): Promise<void> {
    const claimed = await this.claim(runId);
    if (!claimed) {
      span.end(); // finished meanwhile, or someone else started it
      return;
    }
    const { run } = claimed;
    const parsed = pipelineGraphSchema.safeParse(run.definition);
    if (!parsed.success) {
      const errors = `engine error: the run's definition is not a pipeline graph this engine can run (${parsed.error.issues[0]?.message ?? 'invalid'})`;
      await this.finishWithError(run, errors);
      endWithResult(span, 'error', { message: errors });
      return;
    }
    const graph = parsed.data;
    const reporter = await this.reporterFor(run, graph);
    execution.reporter = reporter;
    if (execution.stop.signal.aborted) reporter.freeze('the engine is shutting down');
    try {
      const result = await executePipeline(graph, {
        run: { id: run.id, version: run.version, ...(run.revision !== null ? { revision: run.revision } : {}) },
        workspace: run.workspace,
        env: taskBaseEnvironment(process.env),
        stageConcurrency: this.config.PIPEWRIGHT_ENGINE_STAGE_CONCURRENCY,
        reporter,
        environments: new StageEnvironmentProvider(
          this.environments,
          run,
          reporter.stageRunIds,
          this.config.PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS * 1000,
        ),
        approvals: this.approvals,
        signal: execution.stop.signal,
        previous: reporter.initialState,
      });
      endWithResult(span, result.outcome);
    } catch (error) {
      if (error instanceof ExecutorError && error.code === 'reporter-failed') {
        if (reporter.isFrozen) {
          this.logger.log({ runId }, 'run suspended; an engine that starts resumes it');
          span.end();
          return;
        }
        // The database failed under the run: its rows are as far as they got; resume from them.
        this.logger.error({ err: error, runId }, `run interrupted; resuming it in ${RESUME_AFTER_FAILURE_MS} ms`);
        endWithResult(span, 'error', { message: 'engine error' });
        this.resumeLater(runId);
        return;
      }
      const errors = `engine error: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.error({ err: error, runId }, 'run failed in the engine');
      await this.finishWithError(run, errors);
      endWithResult(span, 'error', { message: errors });
    }
  }

  private resumeLater(runId: string): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      this.start(runId);
    }, RESUME_AFTER_FAILURE_MS);
    this.resumeTimers.add(timer);
  }

  /**
   * queued -> running with `pipelinerun.started` (a fresh run), or running as it is (a run to resume);
   * undefined when the run is neither.
   */
  private async claim(runId: string): Promise<{ run: ExecutingRun; resumed: boolean } | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run || run.version === null) return undefined;
      if (run.status === 'running') {
        this.logger.log({ runId, version: run.version }, 'run resumed');
        return { run: { ...run, version: run.version, startedAt: run.startedAt ?? run.createdAt }, resumed: true };
      }
      if (run.status !== 'queued') return undefined;
      const startedAt = new Date();
      await manager.update(Run, run.id, { status: 'running', startedAt });
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
      this.logger.log({ runId, version: run.version }, 'run started');
      return { run: { ...run, status: 'running', version: run.version, startedAt }, resumed: false };
    });
  }

  /** The run's reporter, with its rows' ids and the state they hold (what the executor continues from). */
  private async reporterFor(run: ExecutingRun, graph: PipelineGraph): Promise<PostgresRunReporter> {
    const manager = this.dataSource.manager;
    const [state, stages, tasks] = await Promise.all([
      loadRunState(manager, run.id),
      manager.find(StageRun, { select: { id: true, name: true }, where: { runId: run.id } }),
      manager.find(TaskRun, {
        select: { id: true, stageRunId: true, name: true, logLines: true },
        where: { runId: run.id },
      }),
    ]);
    if (!state) throw new Error(`run ${run.id} has disappeared`);
    const stageNames = new Map(stages.map((s) => [s.id, s.name]));
    const taskRunIds = new Map<string, string>();
    const logLines = new Map<string, number>();
    for (const task of tasks) {
      const taskId = taskIdOf(stageNames.get(task.stageRunId) ?? '', task.name);
      taskRunIds.set(taskId, task.id);
      logLines.set(taskId, task.logLines);
    }
    return new PostgresRunReporter(
      {
        dataSource: this.dataSource,
        outbox: this.outbox,
        bus: this.bus,
        environments: this.environments,
        approvals: this.approvals,
      },
      run,
      graph,
      { stageRunIds: new Map(stages.map((s) => [s.name, s.id])), taskRunIds, logLines },
      state,
    );
  }

  /** Ends a run the executor could not run (or finish) as `error`, with `pipelinerun.finished`. */
  private async finishWithError(run: Run, errors: string): Promise<void> {
    const finishedAt = new Date();
    const startedAt = run.startedAt ?? run.createdAt;
    const durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
    await this.dataSource.transaction(async (manager) => {
      await this.environments.requestDestroyAll(manager, run.id, 'run finished');
      // What was under way ends in `error`, what had not started is skipped: nothing of a finished run stays open.
      const interrupted = { status: 'error' as const, errors: 'interrupted by an engine error', finishedAt };
      await manager.update(TaskRun, { runId: run.id, status: In(['running', 'retrying']) }, interrupted);
      await manager.update(StageRun, { runId: run.id, status: In(['running', 'waiting-approval']) }, interrupted);
      await skipPending(manager, run.id);
      await manager.update(Run, run.id, { status: 'error', errors, finishedAt, durationMs });
      await this.outbox.publish(
        manager,
        PipelineRunFinished,
        newCDEvent(
          PIPELINE_RUN_FINISHED,
          SOURCE,
          { id: run.id, content: { pipelineName: run.pipelineName, outcome: 'error', errors } },
          {
            component: run.component,
            team: run.team,
            solution: run.solution,
            ...(run.version !== null ? { version: run.version } : {}),
            durationMs,
          },
        ),
      );
    });
    this.logger.warn({ runId: run.id, errors }, 'run finished with an engine error');
  }
}

async function skipPending(manager: EntityManager, runId: string): Promise<void> {
  await manager.update(TaskRun, { runId, status: 'pending' }, { status: 'skipped' });
  await manager.update(StageRun, { runId, status: 'pending' }, { status: 'skipped' });
}
