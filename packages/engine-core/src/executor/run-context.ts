import type { Outcome, PipelineGraph, TaskNode, TaskResultContext } from '@pipewright/pipeline-spec';
import { SecretMasker } from '../task-process/secret-masker';
import { systemClock } from './clock';
import type {
  Clock,
  ExecuteOptions,
  RunEventBase,
  RunReporter,
  RunState,
  StageState,
  TaskState,
} from './executor.types';
import { initialState } from './run-state';

/** A stage's environment variables, and the base env + run variables + those, ready to extend per task. */
export interface StageEnv {
  variables: Record<string, string>;
  base: Record<string, string>;
}

/** What decides whether the next task of a stage (or of a lane) runs. */
export interface Scope {
  failed: boolean;
  cancelled: boolean;
  /** Why the stage does not succeed: the first failing task. */
  reason?: string;
}

/** What expressions see of a stage (`stages.<name>`, and `tasks.*` within it). */
export interface StageContext {
  outcome?: Outcome;
  tasks: Record<string, TaskResultContext>;
}

/**
 * One run's shared state while it executes: the options, the run state the reporter sees, what
 * expressions and tasks see (inputs, env, secrets, earlier results), and how the run reports and stops.
 * The stage, approval, environment and task modules all work on it.
 */
export class RunContext {
  readonly clock: Clock;
  readonly random: () => number;
  readonly reporter: RunReporter;
  readonly state: RunState;
  readonly warnings: string[] = [];
  /** Aborted when the run must stop at once: a reporter failed, or `killSignal`. */
  readonly stop = new AbortController();
  /** Why the run stopped at once (a reporter failed); nothing is reported or started after it. */
  fatal: Error | undefined;
  readonly baseEnv: Record<string, string> = {};
  readonly runEnv: Record<string, string>;
  readonly secretValues: string[];
  readonly masker: SecretMasker;
  readonly stagesContext: Record<string, StageContext> = {};
  readonly inputs: Record<string, string | number | boolean>;
  readonly run: Record<string, string>;
  private lastIso = { ms: Number.NaN, text: '' };

  constructor(
    /** The whole graph (environments of stages outside the selection are released too). */
    readonly fullGraph: PipelineGraph,
    /** The graph that runs: the selection of `to`/`only`. */
    readonly graph: PipelineGraph,
    readonly options: ExecuteOptions,
    readonly onlyTaskId: string | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.reporter = options.reporter ?? {};
    this.state = initialState(graph, options.run.id, this.iso(), options.previous, onlyTaskId);
    for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) this.baseEnv[key] = value;
    this.secretValues = Object.values(options.secrets ?? {});
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
      const context = this.stageContext(task.stage);
      if (task.status === 'finished') context.tasks[task.name] = { outcome: task.outcome, outputs: task.outputs };
    }
  }

  get cancelled(): boolean {
    return this.options.signal?.aborted === true || this.options.killSignal?.aborted === true;
  }

  /** Aborts on cancel or when the run stops at once. */
  cancelSignal(): AbortSignal {
    return this.options.signal ? AbortSignal.any([this.options.signal, this.stop.signal]) : this.stop.signal;
  }

  /** The clock's time as ISO 8601 (cached per millisecond: a busy run asks many times in one). */
  iso(): string {
    const ms = this.clock.now();
    if (ms !== this.lastIso.ms) this.lastIso = { ms, text: new Date(ms).toISOString() };
    return this.lastIso.text;
  }

  stageState(name: string): StageState {
    return (this.state.stages[name] ??= { status: 'pending' });
  }

  taskState(task: TaskNode): TaskState {
    return (this.state.tasks[task.id] ??= {
      stage: task.stage,
      name: task.name,
      status: 'pending',
      attempts: 0,
      outputs: {},
    });
  }

  stageContext(name: string): StageContext {
    return (this.stagesContext[name] ??= { tasks: {} });
  }

  /** Calls a reporter method, if there is one; the event is only built then. */
  async report<K extends keyof RunReporter>(
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

  /** Stops the run at once: running tasks are killed, nothing more is reported. */
  fail(error: unknown): void {
    this.fatal ??= error instanceof Error ? error : new Error(String(error));
    this.stop.abort(this.fatal);
  }

  async warn(message: string, taskId?: string): Promise<void> {
    this.warnings.push(message);
    await this.report('onWarning', (base) => ({ ...base, message, ...(taskId !== undefined ? { taskId } : {}) }));
  }

  private base(): RunEventBase {
    return { runId: this.state.runId, graph: this.graph, state: this.state, at: this.iso() };
  }
}
