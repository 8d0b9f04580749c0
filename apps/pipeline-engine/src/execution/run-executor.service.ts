import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { executePipeline, ExecutorError } from '@pipewright/engine-core';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { pipelineGraphSchema, type PipelineGraph } from '@pipewright/pipeline-spec';
import { endWithResult, withContext } from '@pipewright/telemetry';
import { DataSource, type EntityManager } from 'typeorm';
import { ApprovalService } from '../approvals/approval.service';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { afterCommit } from '../database/after-commit';
import { EnvironmentService } from '../environments/environment.service';
import { LongLivedEnvironmentService } from '../environments/long-lived-environment.service';
import { StageEnvironmentProvider } from '../environments/stage-environment.provider';
import { Run } from '../runs/run.entity';
import { finishUnexecutedRun } from './finish-unexecuted-run';
import { PostgresRunReporter } from './postgres-run-reporter';
import { cancellationText, RunCancelRequests } from './run-cancel-requests';
import { claimRun, type ClaimedRun, type QueuedRows } from './run-claim';
import { LogTailWriter } from '../logs/log-tail.writer';
import { WorkerPoolExecutor } from '../workers/worker-pool-executor';
import { RunLeases } from './run-leases';
import { taskBaseEnvironment } from './task-environment';

/** After the database failed under a run, it is resumed from its rows this much later. */
export const RESUME_AFTER_FAILURE_MS = 5_000;

/** The longest timer Node keeps: a cancel watcher only wakes for a request (the heartbeat finds lost ones). */
const LONGEST_TIMER_MS = 2_147_483_647;

/** Runs taken over in one sweep at the most: the rest wait for the next sweep (or another instance's). */
const TAKEOVER_BATCH = 20;

/** Rows of runs queued here, kept until their version comes (or this many newer runs were queued). */
const QUEUED_ROWS_KEPT = 1_000;

/** A run executing in this process. */
interface Execution {
  /** Aborting it stops the executor; with the reporter frozen first, the run is left to be resumed. */
  stop: AbortController;
  reporter?: PostgresRunReporter;
  done: Promise<void>;
  /** Once claimed: `performance.now()` from which the lease is known to hold for a lease length. */
  leaseFrom?: number;
}

/**
 * Executes runs with engine-core's `executePipeline`, with Postgres as the state and the outbox as the
 * announcer (PostgresRunReporter), the provisioner as the environment provider, and each run as one
 * trace. Runs are durable: the rows are the run's state, so a run that is not finished is resumed from
 * them (finished tasks are not run again; a task that was running is run again only if it is idempotent).
 *
 * Several instances share the runs. A run starts where its version arrives (the Kafka consumer group
 * spreads those), and is executed by the instance holding its lease (RunLeases), renewed by a heartbeat.
 * Every instance sweeps for runs whose lease expired (their instance died) and takes them over; one
 * that loses a lease stops the run at once (its reporter is fenced by the lease too). Stopping the
 * engine suspends its runs and gives their leases back, for another instance to resume.
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly executing = new Map<string, Execution>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private heartbeats?: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();
  private readonly stopped = new AbortController();
  private readonly queuedRows = new Map<string, QueuedRows>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
    private readonly environments: EnvironmentService,
    private readonly longLivedEnvironments: LongLivedEnvironmentService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly approvals: ApprovalService,
    private readonly leases: RunLeases,
    private readonly logTail: LogTailWriter,
    private readonly workerPools: WorkerPoolExecutor,
    private readonly cancelRequests: RunCancelRequests,
  ) {}

  /**
   * Every run that is not finished and has nobody executing it continues here, and at once those this
   * instance id held before it restarted; then the heartbeat and the takeover sweep go on.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.sweep(true);
    this.heartbeats = setInterval(() => void this.heartbeat(), Math.floor(this.leases.ms / 3));
    this.sweeping = this.sweepEvery(Math.floor(this.leases.ms / 2));
  }

  private get stopping(): boolean {
    return this.stopped.signal.aborted;
  }

  /** Starts (or resumes) executing a run that has its version, unless it is already executing here. */
  start(runId: string): void {
    const queued = this.takeQueuedRows(runId);
    this.launch(runId, () => this.dataSource.transaction((manager) => this.claim(manager, runId, queued)));
  }

  /**
   * Claims a run that just got its version in the caller's transaction (one transaction from the version
   * to the run started), and starts executing it once that commits.
   */
  async startWithin(manager: EntityManager, runId: string): Promise<void> {
    if (this.stopping || this.executing.has(runId)) return;
    const queued = this.takeQueuedRows(runId);
    const claimed = await this.claim(manager, runId, queued);
    if (!claimed) return;
    afterCommit(manager, () => {
      if (!this.stopping) return this.launch(runId, () => Promise.resolve(claimed));
      // Stopped meanwhile: the run is left to another instance right away.
      claimed.span.end();
      this.leases
        .release([runId], true)
        .catch((error: unknown) => this.logger.warn({ err: error, runId }, 'lease not given back'));
    });
  }

  /** Runs executing in this process. */
  get active(): number {
    return this.executing.size;
  }

  /**
   * On shutdown, runs are suspended, not finished: reports stop being recorded, running tasks are
   * killed, the rows keep the state to resume from (as after a crash), and the leases are given back
   * so that another instance resumes the runs without waiting for them to expire.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    clearInterval(this.heartbeats);
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    for (const execution of this.executing.values()) this.suspend(execution, 'the engine is shutting down');
    await Promise.allSettled([...this.executing.values()].map((e) => e.done));
    await this.sweeping;
  }

  /**
   * Remembers the rows of a run just queued here, so that starting it (usually here too, moments
   * later) need not read them back; a run whose version another instance gets is simply read there.
   */
  rememberQueued(runId: string, rows: QueuedRows): void {
    this.queuedRows.set(runId, rows);
    if (this.queuedRows.size > QUEUED_ROWS_KEPT) this.queuedRows.delete(this.queuedRows.keys().next().value!);
  }

  /** The rows `rememberQueued` kept for the run, forgotten now that it starts. */
  private takeQueuedRows(runId: string): QueuedRows | undefined {
    const queued = this.queuedRows.get(runId);
    this.queuedRows.delete(runId);
    return queued;
  }

  private claim(manager: EntityManager, runId: string, queued?: QueuedRows): Promise<ClaimedRun | undefined> {
    return claimRun(manager, { leases: this.leases, outbox: this.outbox }, runId, queued);
  }

  private launch(runId: string, claim: () => Promise<ClaimedRun | undefined>): void {
    if (this.stopping || this.executing.has(runId)) return;
    const execution: Execution = { stop: new AbortController(), done: Promise.resolve() };
    execution.done = this.execute(claim, execution)
      .catch((error: unknown) => this.logger.error({ err: error, runId }, 'run execution failed'))
      .finally(() => {
        this.executing.delete(runId);
        // Left unfinished by a shutdown: other instances are told to take it over now.
        return this.leases
          .release([runId], this.stopping)
          .catch((error: unknown) => this.logger.warn({ err: error, runId }, 'could not give the lease back'));
      });
    this.executing.set(runId, execution);
  }

  /** Stops a run here without finishing it: the reporter freezes first, so the executor only kills its tasks. */
  private suspend(execution: Execution, reason: string): void {
    execution.reporter?.freeze(reason);
    execution.stop.abort(new Error(reason));
  }

  /**
   * Renews the leases of the runs executing here. A run whose lease another instance took is stopped
   * at once; so is every run whose lease may have expired because the database did not answer.
   */
  private async heartbeat(): Promise<void> {
    const claimed = [...this.executing].filter(([, e]) => e.leaseFrom !== undefined);
    if (claimed.length === 0) return;
    const sentAt = performance.now();
    try {
      const { held, cancelRequested } = await this.leases.renew(claimed.map(([id]) => id));
      for (const [runId, execution] of claimed) {
        if (held.has(runId)) execution.leaseFrom = sentAt;
        else this.lose(runId, execution, 'another engine instance took the run over (its lease had expired)');
        // A cancel request whose wake-up was lost (the LISTEN connection dropped) is found here.
        const request = cancelRequested.get(runId);
        if (request) this.cancel(runId, execution, cancellationText(request));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not renew the leases of the runs executing here');
      for (const [runId, execution] of claimed)
        if (performance.now() - (execution.leaseFrom ?? 0) >= this.leases.ms)
          this.lose(runId, execution, 'its lease expired while the database did not answer');
    }
  }

  private lose(runId: string, execution: Execution, reason: string): void {
    if (execution.stop.signal.aborted) return;
    this.logger.warn({ runId, instance: this.leases.owner }, `run stopped here: ${reason}`);
    this.suspend(execution, reason);
  }

  /** Sweeps every `ms`, and at once when another instance gave leases back. */
  private async sweepEvery(ms: number): Promise<void> {
    const released = this.leases.subscribeToReleases();
    try {
      for (;;) {
        await released.sleep(ms, this.stopped.signal);
        if (this.stopping) return;
        await this.sweep(false);
      }
    } finally {
      released.close();
    }
  }

  /** Takes over the runs nobody alive executes (and with `own`, those this instance id held before a restart). */
  private async sweep(own: boolean): Promise<void> {
    if (this.stopping) return;
    try {
      const runIds = await this.leases.takeOrphans(TAKEOVER_BATCH, own);
      if (runIds.length > 0)
        this.logger.log(
          { runs: runIds, instance: this.leases.owner },
          `taking over ${runIds.length} run(s) nobody is executing`,
        );
      for (const runId of runIds) this.start(runId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not look for runs to take over');
    }
  }

  private async execute(claim: () => Promise<ClaimedRun | undefined>, execution: Execution): Promise<void> {
    const claimed = await claim();
    if (!claimed) return; // finished meanwhile, or another instance executes it
    execution.leaseFrom = claimed.leaseFrom;
    this.logger.log(
      { runId: claimed.run.id, version: claimed.run.version, instance: this.leases.owner },
      claimed.resumed ? 'run resumed' : 'run started',
    );
    await withContext(claimed.context, () => this.executeClaimed(claimed, execution));
  }

  private async executeClaimed(claimed: ClaimedRun, execution: Execution): Promise<void> {
    const { run, span } = claimed;
    const parsed = pipelineGraphSchema.safeParse(run.definition);
    if (!parsed.success) {
      const errors = `engine error: the run's definition is not a pipeline graph this engine can run (${parsed.error.issues[0]?.message ?? 'invalid'})`;
      await this.finishWithError(run, errors);
      endWithResult(span, 'error', { message: errors });
      return;
    }
    const graph = parsed.data;
    const reporter = new PostgresRunReporter(
      {
        dataSource: this.dataSource,
        outbox: this.outbox,
        bus: this.bus,
        environments: this.environments,
        approvals: this.approvals,
        leases: this.leases,
        logTail: this.logTail,
      },
      run,
      graph,
      claimed.rows,
      claimed.state,
    );
    execution.reporter = reporter;
    if (execution.stop.signal.aborted) reporter.freeze(reasonOf(execution.stop.signal));
    const stopWatching = this.watchCancelRequests(run, execution);
    try {
      await this.executeGraph(claimed, graph, reporter, execution);
    } finally {
      stopWatching();
    }
  }

  private async executeGraph(
    { run, span }: ClaimedRun,
    graph: PipelineGraph,
    reporter: PostgresRunReporter,
    execution: Execution,
  ): Promise<void> {
    const runId = run.id;
    try {
      const result = await executePipeline(graph, {
        run: { id: run.id, version: run.version, ...(run.revision !== null ? { revision: run.revision } : {}) },
        workspace: run.workspace,
        env: taskBaseEnvironment(process.env),
        stageConcurrency: this.config.PIPEWRIGHT_ENGINE_STAGE_CONCURRENCY,
        reporter,
        environments: new StageEnvironmentProvider(
          this.environments,
          this.longLivedEnvironments,
          run,
          reporter.stageRunIds,
          this.config.PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS * 1000,
        ),
        approvals: this.approvals,
        // Tasks with a `pool` go to that pool's workers; the others run here.
        taskExecutor: this.workerPools,
        signal: execution.stop.signal,
        previous: reporter.initialState,
      });
      endWithResult(span, result.outcome);
    } catch (error) {
      if (error instanceof ExecutorError && error.code === 'reporter-failed') {
        if (reporter.isFrozen) {
          this.logger.log({ runId, reason: reporter.frozenReason }, 'run suspended here; another engine resumes it');
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

  /**
   * Cancels the run once someone asks to (POST /runs/:id/cancel), at once if they already have; returns
   * what stops watching. Woken by the request's notification; the heartbeat catches a lost one.
   */
  private watchCancelRequests(run: Run, execution: Execution): () => void {
    const done = new AbortController();
    const requests = this.cancelRequests.subscribe(run.id);
    const watch = async () => {
      if (run.cancelRequestedAt !== null) return this.cancel(run.id, execution, cancellationText(run));
      while (!done.signal.aborted) {
        await requests.sleep(LONGEST_TIMER_MS, done.signal);
        if (!done.signal.aborted && (await this.cancelIfRequested(run.id, execution))) return;
      }
    };
    watch()
      .catch((error: unknown) =>
        this.logger.warn({ err: error, runId: run.id }, 'could not check for a cancel request'),
      )
      .finally(() => requests.close());
    return () => done.abort();
  }

  /** Cancels the run if its row says someone asked to; true if so. */
  private async cancelIfRequested(runId: string, execution: Execution): Promise<boolean> {
    const run = await this.dataSource.getRepository(Run).findOne({
      where: { id: runId },
      select: { id: true, cancelRequestedAt: true, cancelRequestedBy: true, cancelReason: true },
    });
    if (run?.cancelRequestedAt == null) return false;
    this.cancel(runId, execution, cancellationText(run));
    return true;
  }

  /** Cancels the run as engine-core does (tasks killed, clean-up sections run), unless it is being suspended. */
  private cancel(runId: string, execution: Execution, text: string): void {
    const reporter = execution.reporter;
    if (!reporter || reporter.isFrozen || execution.stop.signal.aborted) return;
    this.logger.log({ runId, instance: this.leases.owner }, `run ${text}`);
    reporter.noteCancellation(text);
    execution.stop.abort(new Error(text));
  }

  private resumeLater(runId: string): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      this.start(runId);
    }, RESUME_AFTER_FAILURE_MS);
    this.resumeTimers.add(timer);
  }

  /** Ends a run the executor could not run (or finish) as `error`, with `pipelinerun.finished`. */
  private async finishWithError(run: Run, errors: string): Promise<void> {
    await this.dataSource.transaction((manager) =>
      finishUnexecutedRun(manager, { outbox: this.outbox, environments: this.environments }, run, 'error', errors),
    );
    this.logger.warn({ runId: run.id, errors }, 'run finished with an engine error');
  }
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'the run was stopped';
}
