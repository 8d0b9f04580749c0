import {
  effectiveCondition,
  evaluateCondition,
  formatDuration,
  type ExpressionContext,
  interpolate,
  interpolateValue,
  type JsonValue,
  type Outcome,
  type PipelineGraph,
  PipelineGraphError,
  SECTION_NAMES,
  type SectionName,
  selectOnly,
  selectTo,
  stageTasks,
  type StageNode,
  type TaskNode,
  type TaskResultContext,
} from '@pipewright/pipeline-spec';
import { SecretMasker } from '../task-process/secret-masker';
import { retryDelay, systemClock } from './clock';
import { ExecutorError } from './executor.errors';
import type {
  ApprovalDecision,
  Clock,
  EnvironmentContext,
  ExecuteOptions,
  RunEventBase,
  RunOutcome,
  RunReporter,
  RunResult,
  RunState,
  StageOutcome,
  StageEnvironmentState,
  StageState,
  TaskExecutionResult,
  TaskExecutor,
  TaskExecutorRegistry,
  TaskResult,
  TaskResultOutcome,
  TaskState,
} from './executor.types';
import { hasResult, resultReferences } from './expression-references';
import { initialState } from './run-state';
import { shellTaskExecutor } from './shell-task-executor';

export const DEFAULT_STAGE_CONCURRENCY = 4;

/** The reason a task that was running when the engine stopped is failed instead of run again. */
export const NOT_IDEMPOTENT_REASON =
  'the engine stopped while this task was running; it is not marked idempotent, so it was not run again';

const builtInExecutors: TaskExecutorRegistry = { shell: shellTaskExecutor };

/**
 * Runs a pipeline graph: stages as a DAG (a stage starts once every stage it needs succeeded, at most
 * `stageConcurrency` at a time; a stage whose need did not succeed is skipped), each stage through its
 * approval, its environment and its `first`/`main`/`last` sections, each task through its condition,
 * its task-type executor, timeout and retries. Progress goes to `options.reporter`, together with the
 * run state, which `options.previous` accepts back to resume. Resolves when the run is finished, with
 * its outcome; rejects only with an {@link ExecutorError} (bad options, a failing reporter).
 */
export async function executePipeline(graph: PipelineGraph, options: ExecuteOptions): Promise<RunResult> {
  if (options.to !== undefined && options.only !== undefined)
    throw new ExecutorError('invalid-options', 'give either "to" or "only", not both');
  const concurrency = options.stageConcurrency ?? DEFAULT_STAGE_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ExecutorError(
      'invalid-options',
      `stageConcurrency must be a whole number of at least 1, not ${concurrency}`,
    );
  let selected = graph;
  let onlyTaskId: string | undefined;
  try {
    if (options.to !== undefined) selected = selectTo(graph, options.to);
    if (options.only !== undefined) {
      selected = selectOnly(graph, options.only);
      onlyTaskId = stageTasks(selected.stages[0] as StageNode)[0]?.id;
    }
  } catch (error) {
    if (error instanceof PipelineGraphError) throw new ExecutorError('invalid-target', error.message, { cause: error });
    throw error;
  }
  return new PipelineRun(graph, selected, options, concurrency, onlyTaskId).execute();
}

/** A stage's environment variables, and the base env + run variables + those, ready to extend per task. */
interface StageEnv {
  variables: Record<string, string>;
  base: Record<string, string>;
}

/** What decides whether the next task of a stage (or of a lane) runs. */
interface Scope {
  failed: boolean;
  cancelled: boolean;
  /** Why the stage does not succeed: the first failing task. */
  reason?: string;
}

interface StageContext {
  outcome?: Outcome;
  tasks: Record<string, TaskResultContext>;
}

const FAILING = new Set<TaskResultOutcome>(['failure', 'error', 'cancel']);

class PipelineRun {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly reporter: RunReporter;
  private readonly state: RunState;
  private readonly warnings: string[] = [];
  /** Aborted when the run must stop at once: a reporter failed, or `killSignal`. */
  private readonly stop = new AbortController();
  private fatal: Error | undefined;
  private readonly baseEnv: Record<string, string>;
  private readonly runEnv: Record<string, string>;
  private readonly secretValues: string[];
  private readonly masker: SecretMasker;
  private readonly stagesContext: Record<string, StageContext> = {};
  private readonly inputs: Record<string, string | number | boolean>;
  private readonly run: Record<string, string>;
  private freeSlots: number;
  private readonly slotWaiters: (() => void)[] = [];

  constructor(
    private readonly fullGraph: PipelineGraph,
    private readonly graph: PipelineGraph,
    private readonly options: ExecuteOptions,
    concurrency: number,
    private readonly onlyTaskId: string | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.reporter = options.reporter ?? {};
    this.freeSlots = concurrency;
    this.state = initialState(graph, options.run.id, this.iso(), options.previous, onlyTaskId);
    this.baseEnv = {};
    for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) this.baseEnv[key] = value;
    const secrets = options.secrets ?? {};
    this.secretValues = Object.values(secrets);
    this.masker = new SecretMasker(this.secretValues);
    this.inputs = { ...graph.inputs, ...options.inputs };
    const { id, version, revision } = options.run;
    this.run = {
      id,
      component: graph.component,
      team: graph.team,
      solution: graph.solution,
      ...(version !== undefined ? { version } : {}),
      ...(revision !== undefined ? { revision } : {}),
    };
    this.runEnv = {
      PIPEWRIGHT_RUN_ID: id,
      PIPEWRIGHT_COMPONENT: graph.component,
      PIPEWRIGHT_TEAM: graph.team,
      PIPEWRIGHT_SOLUTION: graph.solution,
      PIPEWRIGHT_WORKSPACE: options.workspace,
      ...(version !== undefined ? { PIPEWRIGHT_RUN_VERSION: version } : {}),
      ...(revision !== undefined ? { PIPEWRIGHT_RUN_REVISION: revision } : {}),
    };
    for (const [name, stage] of Object.entries(this.state.stages))
      this.stagesContext[name] = { ...(stage.status === 'finished' ? { outcome: stage.outcome } : {}), tasks: {} };
    for (const task of Object.values(this.state.tasks)) {
      const context = (this.stagesContext[task.stage] ??= { tasks: {} });
      if (task.status === 'finished') context.tasks[task.name] = { outcome: task.outcome, outputs: task.outputs };
    }
  }

  private readonly kill = () => this.stop.abort(new Error('killed'));

  private get cancelled(): boolean {
    return this.options.signal?.aborted === true || this.options.killSignal?.aborted === true;
  }

  private lastIso = { ms: Number.NaN, text: '' };

  /** The clock's time as ISO 8601 (cached per millisecond: a busy run asks many times in one). */
  private iso(): string {
    const ms = this.clock.now();
    if (ms !== this.lastIso.ms) this.lastIso = { ms, text: new Date(ms).toISOString() };
    return this.lastIso.text;
  }

  async execute(): Promise<RunResult> {
    const killSignal = this.options.killSignal;
    if (killSignal?.aborted) this.kill();
    killSignal?.addEventListener('abort', this.kill, { once: true });
    try {
      return await this.executeRun();
    } finally {
      killSignal?.removeEventListener('abort', this.kill);
    }
  }

  private async executeRun(): Promise<RunResult> {
    const started = this.clock.now();
    await this.report('onRunStarted', (base) => ({ ...base, resumed: this.options.previous !== undefined }));
    if (!this.fatal) await this.runStages();
    if (!this.fatal) await this.releaseEnvironments();
    if (!this.fatal) {
      const outcome = this.outcome();
      this.state.status = 'finished';
      this.state.outcome = outcome;
      this.state.finishedAt = this.iso();
      await this.report('onRunFinished', (base) => ({ ...base, outcome }));
    }
    if (this.fatal)
      throw new ExecutorError('reporter-failed', `the run stopped: reporting failed: ${this.fatal.message}`, {
        cause: this.fatal,
      });
    return {
      outcome: this.state.outcome ?? 'failure',
      state: this.state,
      graph: this.graph,
      warnings: this.warnings,
      durationMs: this.clock.now() - started,
    };
  }

  private outcome(): RunOutcome {
    const outcomes = this.graph.stages.map((stage) => this.state.stages[stage.name]?.outcome);
    if (outcomes.every((outcome) => outcome === 'success')) return 'success';
    return this.cancelled ? 'cancel' : 'failure';
  }

  // -------------------------------------------------------------------------------------------
  // Reporting

  private base(): RunEventBase {
    return { runId: this.state.runId, graph: this.graph, state: this.state, at: this.iso() };
  }

  /** Calls a reporter method, if there is one; the event is only built then. */
  private async report<K extends keyof RunReporter>(
    method: K,
    event: (base: RunEventBase) => Parameters<NonNullable<RunReporter[K]>>[0],
  ): Promise<void> {
    const handler = this.reporter[method] as ((event: unknown) => void | Promise<void>) | undefined;
    if (handler === undefined || this.fatal) return;
    try {
      await handler.call(this.reporter, event(this.base()));
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.fatal ??= error instanceof Error ? error : new Error(String(error));
    this.stop.abort(this.fatal);
  }

  private async warn(message: string, taskId?: string): Promise<void> {
    this.warnings.push(message);
    await this.report('onWarning', (base) => ({ ...base, message, ...(taskId !== undefined ? { taskId } : {}) }));
  }

  // -------------------------------------------------------------------------------------------
  // Stages

  private async runStages(): Promise<void> {
    const active = new Map<string, Promise<void>>();
    for (;;) {
      if (this.fatal) break;
      let changed = false;
      for (const stage of this.graph.stages) {
        const state = this.stageState(stage.name);
        if (state.status === 'finished' || active.has(stage.name)) continue;
        const needs = stage.needs.map((need) => ({ need, state: this.state.stages[need] }));
        if (needs.some(({ state: s }) => s !== undefined && s.status !== 'finished')) continue;
        const unmet = needs.find(({ state: s }) => s?.outcome !== 'success');
        if (unmet !== undefined) {
          const outcome = unmet.state?.outcome ?? 'not run';
          await this.skipStage(stage, `it needs stage "${unmet.need}", which did not succeed (${outcome})`);
          changed = true;
        } else if (this.cancelled) {
          await this.skipStage(stage, 'the run was cancelled before the stage started');
          changed = true;
        } else {
          active.set(
            stage.name,
            this.runStage(stage).finally(() => active.delete(stage.name)),
          );
        }
        if (this.fatal) break;
      }
      if (active.size === 0 && !changed) break;
      if (!changed) await Promise.race(active.values());
    }
    await Promise.allSettled(active.values());
  }

  private stageState(name: string): StageState {
    return (this.state.stages[name] ??= { status: 'pending' });
  }

  private taskState(task: TaskNode): TaskState {
    return (this.state.tasks[task.id] ??= {
      stage: task.stage,
      name: task.name,
      status: 'pending',
      attempts: 0,
      outputs: {},
    });
  }

  private async skipStage(stage: StageNode, reason: string): Promise<void> {
    const state = this.stageState(stage.name);
    state.status = 'finished';
    state.outcome = 'skipped';
    state.reason = reason;
    state.finishedAt = this.iso();
    const context = (this.stagesContext[stage.name] ??= { tasks: {} });
    context.outcome = 'skipped';
    for (const task of stageTasks(stage)) {
      const taskState = this.taskState(task);
      if (taskState.status === 'finished') continue;
      taskState.status = 'finished';
      taskState.outcome = 'skipped';
      taskState.reason = `its stage was skipped: ${reason}`;
      context.tasks[task.name] = { outcome: 'skipped', outputs: {} };
    }
    await this.report('onStageFinished', (base) => ({ ...base, stage, outcome: 'skipped', reason }));
  }

  private async finishStage(stage: StageNode, outcome: StageOutcome, reason?: string): Promise<void> {
    const state = this.stageState(stage.name);
    state.status = 'finished';
    state.outcome = outcome;
    if (reason !== undefined) state.reason = this.masker.mask(reason);
    else delete state.reason;
    state.finishedAt = this.iso();
    (this.stagesContext[stage.name] ??= { tasks: {} }).outcome = outcome;
    // Tasks that never got their turn (the stage stopped early) are skipped.
    for (const task of stageTasks(stage)) {
      const taskState = this.taskState(task);
      if (taskState.status !== 'pending') continue;
      taskState.status = 'finished';
      taskState.outcome = 'skipped';
      taskState.reason = `the stage did not run its tasks: ${state.reason ?? outcome}`;
    }
    await this.report('onStageFinished', (base) => ({
      ...base,
      stage,
      outcome,
      ...(state.reason !== undefined ? { reason: state.reason } : {}),
    }));
  }

  private async runStage(stage: StageNode): Promise<void> {
    try {
      if (stage.approval !== undefined) {
        const decision = await this.approve(stage);
        if (this.fatal) return;
        if (decision.kind === 'cancelled')
          return await this.finishStage(stage, 'cancel', 'the run was cancelled while waiting for approval');
        if (decision.kind === 'error') return await this.finishStage(stage, 'error', decision.reason);
        if (decision.decision.decision === 'rejected') {
          const { by, reason } = decision.decision;
          return await this.finishStage(stage, 'failure', `rejected by ${by}${reason ? `: ${reason}` : ''}`);
        }
      }
      await this.acquireSlot();
      try {
        if (this.fatal) return;
        if (this.cancelled) return await this.skipStage(stage, 'the run was cancelled before the stage started');
        await this.runStageBody(stage);
      } finally {
        this.releaseSlot();
      }
    } catch (error) {
      // A bug of ours, not of the pipeline: the stage errors, the run goes on and says why.
      if (!this.fatal) await this.finishStage(stage, 'error', `internal error: ${errorMessage(error)}`);
    }
  }

  private async runStageBody(stage: StageNode): Promise<void> {
    const state = this.stageState(stage.name);
    state.status = 'running';
    state.startedAt ??= this.iso();
    await this.report('onStageStarted', (base) => ({ ...base, stage }));
    if (this.fatal) return;
    const environmentVariables = await this.provideEnvironment(stage);
    if (this.fatal) return;
    if (environmentVariables === undefined) return; // the stage was finished with the reason
    const environmentEnv: StageEnv = {
      variables: environmentVariables,
      base: { ...this.baseEnv, ...this.runEnv, ...environmentVariables },
    };
    const scope: Scope = { failed: false, cancelled: false };
    for (const section of SECTION_NAMES) {
      for (const step of stage.sections[section]) {
        if (this.fatal) return;
        if (step.kind === 'task') {
          await this.runTask(stage, step.task, section, scope, environmentEnv);
          continue;
        }
        // Each lane goes on from the stage's status before the step and its own results; the stage sees all of them after.
        const lanes = await Promise.all(
          step.lanes.map(async (lane) => {
            const laneScope: Scope = { ...scope };
            for (const task of lane) {
              if (this.fatal) break;
              await this.runTask(stage, task, section, laneScope, environmentEnv);
            }
            return laneScope;
          }),
        );
        for (const lane of lanes) {
          if (lane.failed && !scope.failed) {
            scope.failed = true;
            scope.reason ??= lane.reason;
          }
          scope.cancelled ||= lane.cancelled;
        }
      }
    }
    if (this.fatal) return;
    const outcome: StageOutcome = scope.cancelled ? 'cancel' : scope.failed ? 'failure' : 'success';
    await this.finishStage(stage, outcome, scope.cancelled ? 'the run was cancelled' : scope.reason);
  }

  private async acquireSlot(): Promise<void> {
    if (this.freeSlots > 0) {
      this.freeSlots--;
      return;
    }
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next !== undefined) next();
    else this.freeSlots++;
  }

  // -------------------------------------------------------------------------------------------
  // Approvals

  private async approve(
    stage: StageNode,
  ): Promise<
    { kind: 'decided'; decision: ApprovalDecision } | { kind: 'cancelled' } | { kind: 'error'; reason: string }
  > {
    const approval = stage.approval;
    const state = this.stageState(stage.name);
    if (approval === undefined) throw new Error(`stage "${stage.name}" has no approval`);
    const known = state.approval?.decision;
    if (known !== undefined) return { kind: 'decided', decision: known };
    const gate = this.options.approvals;
    if (gate === undefined)
      return { kind: 'error', reason: 'the stage needs an approval, but this run has no way to ask for one' };
    if (this.cancelled) return { kind: 'cancelled' };
    state.status = 'waiting-for-approval';
    const fresh = state.approval === undefined;
    const approvalState = (state.approval ??= { requestedAt: this.iso() });
    if (fresh) await this.report('onApproval', (base) => ({ ...base, kind: 'requested', stage, approval }));
    if (this.fatal) return { kind: 'cancelled' };

    const abort = new AbortController();
    const signals = [abort.signal, this.stop.signal, ...(this.options.signal ? [this.options.signal] : [])];
    const signal = AbortSignal.any(signals);
    type Race =
      | { kind: 'decided'; decision: ApprovalDecision }
      | { kind: 'timeout' }
      | { kind: 'aborted' }
      | { kind: 'error'; error: unknown };
    const racers: Promise<Race>[] = [
      gate.request({ runId: this.state.runId, stage, approval, requestedAt: approvalState.requestedAt }, signal).then(
        (decision): Race => ({ kind: 'decided', decision }),
        (error: unknown): Race => ({ kind: 'error', error }),
      ),
      new Promise<Race>((resolve) => {
        if (signal.aborted) resolve({ kind: 'aborted' });
        else signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), { once: true });
      }),
    ];
    if (approval.timeoutMs !== undefined) {
      const left = approval.timeoutMs - (this.clock.now() - Date.parse(approvalState.requestedAt));
      racers.push(this.clock.sleep(Math.max(0, left), signal).then((): Race => ({ kind: 'timeout' })));
    }
    const first = await Promise.race(racers);
    abort.abort();
    if (this.fatal) return { kind: 'cancelled' };
    let decision: ApprovalDecision;
    switch (first.kind) {
      case 'decided':
        decision = first.decision;
        break;
      case 'timeout':
        decision = {
          decision: 'rejected',
          by: 'pipewright',
          at: this.iso(),
          reason: `no decision within ${formatDuration(approval.timeoutMs ?? 0)}`,
        };
        break;
      case 'aborted':
        return { kind: 'cancelled' };
      case 'error':
        if (this.cancelled) return { kind: 'cancelled' };
        return { kind: 'error', reason: `the approval could not be obtained: ${errorMessage(first.error)}` };
    }
    approvalState.decision = decision;
    await this.report('onApproval', (base) => ({ ...base, kind: 'decided', stage, approval, decision }));
    return { kind: 'decided', decision };
  }

  // -------------------------------------------------------------------------------------------
  // Environments

  private environmentContext(signal: AbortSignal): EnvironmentContext {
    return {
      runId: this.state.runId,
      component: this.graph.component,
      team: this.graph.team,
      solution: this.graph.solution,
      signal,
    };
  }

  /** The environment's variables for the stage's tasks, or undefined when the stage was finished because it failed. */
  private async provideEnvironment(stage: StageNode): Promise<Record<string, string> | undefined> {
    const spec = stage.environment;
    if (spec === undefined) return {};
    const state = this.stageState(stage.name);
    let environment = state.environment;
    if (environment === undefined || environment.releasedAt !== undefined) {
      const provider = this.options.environments;
      if (provider === undefined) {
        await this.finishStage(
          stage,
          'error',
          `the stage needs environment "${spec.name}", but this run has no environment provider`,
        );
        return undefined;
      }
      const signal = this.options.signal ? AbortSignal.any([this.options.signal, this.stop.signal]) : this.stop.signal;
      try {
        const provided = await provider.provide(stage, spec, this.environmentContext(signal));
        const created: StageEnvironmentState = {
          name: spec.name,
          lifetime: spec.lifetime,
          url: provided.url,
          ...(provided.details !== undefined ? { details: provided.details } : {}),
          providedAt: this.iso(),
        };
        environment = state.environment = created;
        await this.report('onEnvironment', (base) => ({ ...base, kind: 'provided', stage, environment: created }));
      } catch (error) {
        if (this.cancelled)
          await this.finishStage(stage, 'cancel', 'the run was cancelled while the environment was provided');
        else
          await this.finishStage(
            stage,
            'error',
            `environment "${spec.name}" could not be provided: ${errorMessage(error)}`,
          );
        return undefined;
      }
      if (this.cancelled) {
        await this.finishStage(stage, 'cancel', 'the run was cancelled while the environment was provided');
        return undefined;
      }
    }
    return { PIPEWRIGHT_ENV_URL: environment.url, PIPEWRIGHT_ENV_NAME: environment.name };
  }

  /** Releases every environment of the run that is not released yet, whatever happened. */
  private async releaseEnvironments(): Promise<void> {
    const provider = this.options.environments;
    if (provider === undefined) return;
    for (const [name, state] of Object.entries(this.state.stages)) {
      const environment = state.environment;
      if (environment === undefined || environment.releasedAt !== undefined) continue;
      const stage = this.fullGraph.stages.find((s) => s.name === name);
      if (stage?.environment === undefined) continue;
      try {
        await provider.release(
          stage,
          stage.environment,
          { url: environment.url, ...(environment.details !== undefined ? { details: environment.details } : {}) },
          this.environmentContext(this.stop.signal),
        );
        environment.releasedAt = this.iso();
        delete environment.releaseError;
        await this.report('onEnvironment', (base) => ({ ...base, kind: 'released', stage, environment }));
      } catch (error) {
        environment.releaseError = errorMessage(error);
        await this.report('onEnvironment', (base) => ({ ...base, kind: 'release-failed', stage, environment }));
        await this.warn(
          `environment "${environment.name}" of stage "${name}" could not be released: ${environment.releaseError}`,
        );
      }
      if (this.fatal) return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Tasks

  private expressionContext(stage: StageNode, scope: Scope): ExpressionContext {
    return {
      status: this.cancelled ? 'cancelled' : scope.failed ? 'failure' : 'success',
      inputs: this.inputs,
      run: this.run,
      tasks: (this.stagesContext[stage.name] ??= { tasks: {} }).tasks,
      stages: this.stagesContext,
      env: this.baseEnv,
      secrets: this.options.secrets ?? {},
    };
  }

  private applyToScope(scope: Scope, task: TaskNode, state: TaskState): void {
    (this.stagesContext[task.stage] ??= { tasks: {} }).tasks[task.name] = {
      outcome: state.outcome,
      outputs: state.outputs,
    };
    if (state.outcome === 'cancel') scope.cancelled = true;
    else if (state.outcome !== undefined && FAILING.has(state.outcome) && !scope.failed) {
      scope.failed = true;
      scope.reason = `task "${task.name}" ${describeFailure(state)}`;
    }
  }

  /** Finishes a task without running it (skipped, or failed before it could start) and reports it. */
  private async finishWithoutRunning(
    task: TaskNode,
    scope: Scope,
    outcome: TaskResultOutcome,
    reason: string,
  ): Promise<void> {
    const state = this.taskState(task);
    state.status = 'finished';
    state.outcome = outcome;
    state.reason = this.masker.mask(reason);
    state.finishedAt = this.iso();
    this.applyToScope(scope, task, state);
    await this.report('onTaskFinished', (base) => ({
      ...base,
      task,
      result: {
        outcome,
        exitCode: null,
        timedOut: false,
        durationMs: 0,
        outputs: state.outputs,
        attempt: state.attempts,
        willRetry: false,
        error: state.reason,
      },
    }));
  }

  private async runTask(
    stage: StageNode,
    task: TaskNode,
    section: SectionName,
    scope: Scope,
    environmentEnv: StageEnv,
  ): Promise<void> {
    const state = this.taskState(task);
    if (state.status === 'finished') {
      // Carried over from the previous state: not run again, its result and outputs are reused.
      this.applyToScope(scope, task, state);
      return;
    }
    let firstAttempt = 1;
    let maxAttempts = task.retry.attempts;
    if (state.status === 'running' && !task.idempotent)
      return this.finishWithoutRunning(task, scope, 'failure', NOT_IDEMPOTENT_REASON);
    if (state.status === 'running' || state.status === 'retrying') {
      // Interrupted by an engine stop: the next attempt runs, even if that exceeds the retry policy.
      firstAttempt = state.attempts + 1;
      maxAttempts = Math.max(maxAttempts, firstAttempt);
    }
    const context = this.expressionContext(stage, scope);
    if (state.status === 'pending') {
      const condition = effectiveCondition(section, task.if);
      let holds: boolean;
      try {
        holds = evaluateCondition(condition, context);
      } catch (error) {
        return this.finishWithoutRunning(
          task,
          scope,
          'error',
          `its condition could not be evaluated: ${errorMessage(error)}`,
        );
      }
      if (!holds) {
        if (context.status === 'cancelled') scope.cancelled = true;
        return this.finishWithoutRunning(task, scope, 'skipped', skipReason(section, task, context));
      }
      if (this.onlyTaskId !== undefined) await this.warnAboutMissingResults(task, context);
    }
    let inputs: Record<string, JsonValue>;
    let taskEnv: Record<string, string>;
    try {
      inputs = interpolateValue(task.with, context) as Record<string, JsonValue>;
      taskEnv = {};
      for (const [key, value] of Object.entries(task.env)) taskEnv[key] = interpolate(value, context);
    } catch (error) {
      return this.finishWithoutRunning(
        task,
        scope,
        'error',
        `its expressions could not be evaluated: ${errorMessage(error)}`,
      );
    }
    const executor = this.executorFor(task);
    if (executor === undefined)
      return this.finishWithoutRunning(task, scope, 'error', `no executor for task type "${task.uses}"`);

    for (let attempt = firstAttempt; ; attempt++) {
      if (this.fatal) return;
      state.status = 'running';
      state.attempts = attempt;
      state.startedAt ??= this.iso();
      await this.report('onTaskStarted', (base) => ({ ...base, task, attempt }));
      if (this.fatal) return;
      const result = await this.attempt(executor, task, section, attempt, inputs, taskEnv, environmentEnv);
      if (this.fatal) return;
      const last =
        result.outcome === 'success' || result.outcome === 'cancel' || attempt >= maxAttempts || this.cancelled;
      const retryInMs = last ? undefined : retryDelay(task.retry, attempt, this.random);
      state.exitCode = result.exitCode;
      state.timedOut = result.timedOut;
      state.durationMs = result.durationMs;
      state.outputs = result.outputs;
      const error = resultError(result, task);
      if (error !== undefined) state.reason = this.masker.mask(error);
      else delete state.reason;
      if (last) {
        state.status = 'finished';
        state.outcome = result.outcome;
        state.finishedAt = this.iso();
        this.applyToScope(scope, task, state);
      } else {
        state.status = 'retrying';
      }
      const reported: TaskResult = {
        outcome: result.outcome,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: result.durationMs,
        outputs: result.outputs,
        attempt,
        willRetry: !last,
        ...(retryInMs !== undefined ? { retryInMs } : {}),
        ...(state.reason !== undefined ? { error: state.reason } : {}),
      };
      await this.report('onTaskFinished', (base) => ({ ...base, task, result: reported }));
      if (last) return;
      await this.clock.sleep(retryInMs ?? 0, this.cancelSignal());
      if (this.fatal) return;
      if (this.cancelled)
        return this.finishWithoutRunning(task, scope, 'cancel', 'the run was cancelled while the task waited to retry');
    }
  }

  private cancelSignal(): AbortSignal {
    return this.options.signal ? AbortSignal.any([this.options.signal, this.stop.signal]) : this.stop.signal;
  }

  private executorFor(task: TaskNode): TaskExecutor | undefined {
    if (this.options.taskExecutor !== undefined) return this.options.taskExecutor;
    return this.options.taskTypes?.[task.uses] ?? builtInExecutors[task.uses];
  }

  private async attempt(
    executor: TaskExecutor,
    task: TaskNode,
    section: SectionName,
    attempt: number,
    inputs: Record<string, JsonValue>,
    taskEnv: Record<string, string>,
    environmentEnv: StageEnv,
  ): Promise<TaskExecutionResult> {
    // A task that starts after the run was cancelled (clean-up) is not stopped by that cancel, only by a kill.
    const signal = this.cancelled ? this.stop.signal : this.cancelSignal();
    const reporter = this.reporter;
    // base env + task env + PIPEWRIGHT_* + secrets; without a task env the stage's part is ready-made.
    const env: Record<string, string> = {
      ...(isEmpty(taskEnv)
        ? environmentEnv.base
        : { ...this.baseEnv, ...taskEnv, ...this.runEnv, ...environmentEnv.variables }),
      PIPEWRIGHT_STAGE: task.stage,
      PIPEWRIGHT_TASK: task.name,
      PIPEWRIGHT_TASK_ID: task.id,
      PIPEWRIGHT_ATTEMPT: String(attempt),
      ...this.options.secrets,
    };
    try {
      return await executor.execute({
        runId: this.state.runId,
        task,
        section,
        attempt,
        inputs,
        env,
        cwd: this.options.workspace,
        timeoutMs: task.timeoutMs,
        secrets: this.secretValues,
        signal,
        clock: this.clock,
        onLine:
          reporter.onTaskLine === undefined
            ? () => undefined
            : async (line) => {
                try {
                  await reporter.onTaskLine?.({ runId: this.state.runId, task, attempt, line });
                } catch (error) {
                  this.fail(error);
                  throw error;
                }
              },
      });
    } catch (error) {
      return { outcome: 'error', exitCode: null, timedOut: false, durationMs: 0, outputs: {}, error: toError(error) };
    }
  }

  private async warnAboutMissingResults(task: TaskNode, context: ExpressionContext): Promise<void> {
    for (const reference of resultReferences(task)) {
      if (hasResult(context, reference)) continue;
      const what =
        reference.task === undefined ? `stage "${reference.stage}"` : `task "${reference.stage}.${reference.task}"`;
      await this.warn(
        `task "${task.id}" uses results of ${what}, which did not run in this run and has no result in a previous run; its expressions see empty values`,
        task.id,
      );
    }
  }
}

function skipReason(section: SectionName, task: TaskNode, context: ExpressionContext): string {
  if (task.if === undefined && section === 'main')
    return context.status === 'cancelled' ? 'the run was cancelled' : 'an earlier task of the stage did not succeed';
  return `its condition is false: ${effectiveCondition(section, task.if)}`;
}

function describeFailure(state: TaskState): string {
  if (state.outcome === 'error') return `errored${state.reason ? `: ${state.reason}` : ''}`;
  if (state.outcome === 'cancel') return 'was cancelled';
  return `failed${state.reason ? ` (${state.reason})` : ''}`;
}

function resultError(result: TaskExecutionResult, task: TaskNode): string | undefined {
  if (result.outcome === 'success') return undefined;
  if (result.outcome === 'cancel') return 'cancelled';
  if (result.timedOut) return `timed out after ${formatDuration(task.timeoutMs)}`;
  if (result.error !== undefined) return result.error.message;
  if (result.exitCode !== null) return `exit code ${result.exitCode}`;
  return undefined;
}

function isEmpty(record: Record<string, string>): boolean {
  for (const _ in record) return false;
  return true;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorMessage(error: unknown): string {
  return toError(error).message;
}
