import type {
  Approval,
  JsonValue,
  PipelineGraph,
  SectionName,
  StageEnvironment,
  StageNode,
  TaskNode,
} from '@pipewright/pipeline-spec';
import type { TaskOutputLine } from '../task-process/run-task-process';

// =============================================================================================
// Outcomes
// =============================================================================================

/** How a task ended. `skipped`: its condition was false (or its stage never ran). A timeout is a `failure`. */
export type TaskResultOutcome = 'success' | 'failure' | 'error' | 'cancel' | 'skipped';

/**
 * How a stage ended. `failure`: a task failed (or errored), or the approval was rejected or timed out;
 * `error`: the stage could not run (its environment could not be provided); `skipped`: a stage it
 * needs did not succeed, or the run was cancelled before it started; `cancel`: the run was cancelled
 * while the stage ran.
 */
export type StageOutcome = 'success' | 'failure' | 'error' | 'cancel' | 'skipped';

/** How a run ended: `success` when every stage succeeded, `cancel` when it was cancelled, else `failure`. */
export type RunOutcome = 'success' | 'failure' | 'cancel';

// =============================================================================================
// Run state: the one JSON-serializable snapshot the executor maintains and resumes from
// =============================================================================================

/**
 * Everything needed to continue a run: the executor keeps it up to date and hands the current
 * snapshot to every reporter call (`event.state`, already including the event). Store it (JSON)
 * and pass it back as `options.previous` to resume after a crash; derive `--from-failed` runs from
 * it with `stateForRerunFromFailed`. Keys of `stages`/`tasks` are stage names / task ids.
 */
export interface RunState {
  /** Format version; `executePipeline` rejects a snapshot of a version it does not know. */
  schemaVersion: 1;
  runId: string;
  status: 'running' | 'finished';
  /** Set when `status` is `finished`. */
  outcome?: RunOutcome;
  /** ISO 8601 (virtual time in mock mode). */
  startedAt: string;
  finishedAt?: string;
  stages: Record<string, StageState>;
  tasks: Record<string, TaskState>;
}

export type StageStatus = 'pending' | 'waiting-for-approval' | 'running' | 'finished';

export interface StageState {
  status: StageStatus;
  /** Set when `status` is `finished`. */
  outcome?: StageOutcome;
  /** Why the stage did not succeed (or was skipped), in one sentence. */
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  approval?: StageApprovalState;
  environment?: StageEnvironmentState;
  /** True when the stage's result was carried over from `options.previous` instead of being run. */
  reused?: boolean;
}

export interface StageApprovalState {
  requestedAt: string;
  /** Absent while waiting. */
  decision?: ApprovalDecision;
}

export interface StageEnvironmentState {
  name: string;
  lifetime: StageEnvironment['lifetime'];
  url: string;
  /** Provider-specific values (ids, ...) the provider needs to release it; strings only. */
  details?: Record<string, string>;
  providedAt: string;
  /** Set once `release` returned; an environment in the state without it is still to be released. */
  releasedAt?: string;
  /** Set when `release` threw; the run still finishes. */
  releaseError?: string;
}

/**
 * `retrying`: an attempt failed and the next one waits for its backoff (no process runs).
 * A task that is `running` in a snapshot being resumed had a process that died with the engine.
 */
export type TaskStatus = 'pending' | 'running' | 'retrying' | 'finished';

export interface TaskState {
  /** The task's stage and name (its id is `<stage>.<name>`). */
  stage: string;
  name: string;
  status: TaskStatus;
  /** Set when `status` is `finished`. */
  outcome?: TaskResultOutcome;
  /** Attempts started so far (0 for a skipped task). */
  attempts: number;
  /** What the task wrote to `$PIPEWRIGHT_OUTPUT` (unmasked: later tasks need the values). */
  outputs: Record<string, string>;
  exitCode?: number | null;
  timedOut?: boolean;
  /** Start of the first attempt / end of the last. */
  startedAt?: string;
  finishedAt?: string;
  /** Wall time of the last attempt. */
  durationMs?: number;
  /** Why it failed, errored or was skipped, in one sentence. */
  reason?: string;
  /** True when the result was carried over from `options.previous` instead of being run. */
  reused?: boolean;
}

// =============================================================================================
// Collaborators the caller supplies
// =============================================================================================

/** Time, injectable so tests (and mock mode) run in virtual time. */
export interface Clock {
  /** Milliseconds since the epoch (virtual clocks may start at 0). */
  now(): number;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RunInfo {
  id: string;
  /** The version being delivered (from the build-data repository), if known. */
  version?: string;
  /** The source revision (commit) the run builds. */
  revision?: string;
}

export interface ApprovalRequest {
  runId: string;
  stage: StageNode;
  approval: Approval;
  requestedAt: string;
}

export type ApprovalDecision =
  { decision: 'approved'; by: string; at: string } | { decision: 'rejected'; by: string; at: string; reason?: string };

/**
 * Asks a person to approve a stage. The executor calls `request` once the stage's `needs` have
 * succeeded (also again when resuming a run that was waiting) and waits; a rejection fails the
 * stage. `signal` aborts when the run is cancelled or the approval's `timeoutMs` passes (the
 * executor then records a rejection by `pipewright` itself); the promise may then reject.
 */
export interface ApprovalGate {
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
}

export interface EnvironmentContext {
  runId: string;
  component: string;
  team: string;
  solution: string;
  /** Aborts when the run is cancelled. */
  signal: AbortSignal;
}

export interface ProvidedEnvironment {
  /** Base URL of the environment, given to the stage's tasks as `$PIPEWRIGHT_ENV_URL`. */
  url: string;
  /** Whatever the provider needs later to release it (kept in the run state, so strings only). */
  details?: Record<string, string>;
}

/**
 * Provides a stage's environment before its tasks run (ephemeral: create it; long-lived: look it up)
 * and releases it after the run, whatever happened (ephemeral: destroy it; long-lived: usually nothing).
 * An environment provided before a crash is in the run state and is reused on resume, not provided again.
 */
export interface EnvironmentProvider {
  provide(stage: StageNode, environment: StageEnvironment, context: EnvironmentContext): Promise<ProvidedEnvironment>;
  release(
    stage: StageNode,
    environment: StageEnvironment,
    provided: ProvidedEnvironment,
    context: EnvironmentContext,
  ): Promise<void>;
}

/** One attempt of one task, as handed to a task-type executor. */
export interface TaskExecution {
  runId: string;
  task: TaskNode;
  section: SectionName;
  /** 1-based. */
  attempt: number;
  /** The task's `with`, templates resolved. */
  inputs: Record<string, JsonValue>;
  /** The complete environment: base env + task env + PIPEWRIGHT_* variables + secrets. */
  env: Record<string, string>;
  /** The workspace. */
  cwd: string;
  timeoutMs: number;
  /** Secret values to mask in every line. */
  secrets: readonly string[];
  /** Aborts on cancel: stop the task and return outcome `cancel`. */
  signal: AbortSignal;
  /** Every output line, masked, in order; awaiting it applies backpressure. */
  onLine: (line: TaskOutputLine) => void | Promise<void>;
  clock: Clock;
}

export interface TaskExecutionResult {
  outcome: 'success' | 'failure' | 'error' | 'cancel';
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputs: Record<string, string>;
  /** Why the outcome is `error` (or `failure`, when there is more to say than an exit code). */
  error?: Error;
}

/** Runs one attempt of a task of some type (`shell`, ...). It must never throw: errors are outcome `error`. */
export interface TaskExecutor {
  execute(execution: TaskExecution): Promise<TaskExecutionResult>;
  /**
   * Optional, for executors whose attempts can outlive the engine (a task run by a remote worker). On
   * resume, for a task whose attempt was `running` when the engine stopped, the executor is asked first
   * what became of that attempt: `execution` is that same attempt again (its number, inputs and env).
   * Resolve with its result when it is known: it finished meanwhile, or it still runs and this waits
   * for it to end, exactly as `execute` would (honouring `signal`). Resolve with undefined when nothing
   * is known of it: then the usual rule applies (an idempotent task runs again as the next attempt,
   * any other fails with `NOT_IDEMPOTENT_REASON`). A recovered result counts as that attempt: no
   * `onTaskStarted` again, the retry policy goes on from it. Like `execute`, it should not throw; if it
   * does, nothing is known (and a warning says why).
   */
  resume?(execution: TaskExecution): Promise<TaskExecutionResult | undefined>;
}

/** Task-type executors by `uses` name; `shell` is built in. */
export type TaskExecutorRegistry = Readonly<Record<string, TaskExecutor>>;

// =============================================================================================
// Reporting
// =============================================================================================

/** Common to every event: the run and the state snapshot *after* the event (live object: copy it to keep it). */
export interface RunEventBase {
  runId: string;
  graph: PipelineGraph;
  state: Readonly<RunState>;
  /** ISO 8601. */
  at: string;
}

export interface RunStartedEvent extends RunEventBase {
  /** True when continuing from `options.previous` (a resume or a re-run). */
  resumed: boolean;
}
export interface StageStartedEvent extends RunEventBase {
  stage: StageNode;
}
export interface StageFinishedEvent extends RunEventBase {
  stage: StageNode;
  outcome: StageOutcome;
  reason?: string;
}
export type ApprovalEvent =
  | (RunEventBase & { kind: 'requested'; stage: StageNode; approval: Approval })
  | (RunEventBase & { kind: 'decided'; stage: StageNode; approval: Approval; decision: ApprovalDecision });
export interface EnvironmentEvent extends RunEventBase {
  kind: 'provided' | 'released' | 'release-failed';
  stage: StageNode;
  environment: StageEnvironmentState;
}
export interface TaskStartedEvent extends RunEventBase {
  task: TaskNode;
  /** 1-based. */
  attempt: number;
}
export interface TaskLineEvent {
  runId: string;
  task: TaskNode;
  attempt: number;
  line: TaskOutputLine;
}
export interface TaskResult {
  outcome: TaskResultOutcome;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  outputs: Record<string, string>;
  /** The attempt this result is of (0 when the task was skipped without starting). */
  attempt: number;
  /** Another attempt follows (after `retryInMs`). */
  willRetry: boolean;
  retryInMs?: number;
  /** Why it failed, errored or was skipped. */
  error?: string;
}
export interface TaskFinishedEvent extends RunEventBase {
  task: TaskNode;
  result: TaskResult;
}
export interface WarningEvent extends RunEventBase {
  message: string;
  taskId?: string;
}
export interface RunFinishedEvent extends RunEventBase {
  outcome: RunOutcome;
}

/**
 * Where a run's progress goes: the CLI implements it with the terminal and files, the service with
 * Postgres and the outbox. Every method is optional and may be async: the executor awaits it before
 * going on (a task's process starts only after `onTaskStarted` resolved, so a durable reporter can
 * commit "started" first). If a method throws, the run stops: running tasks are killed, environments
 * are NOT released (the run is not finished; whoever resumes it does that) and `executePipeline`
 * rejects with an `ExecutorError` of code `reporter-failed`.
 *
 * `onTaskFinished` fires after every attempt (`result.willRetry` says whether another follows) and for
 * tasks skipped inside a running stage (no `onTaskStarted` before; `attempt` 0). A task cancelled while
 * waiting for its retry gets one more `onTaskFinished` (outcome `cancel`) for its last attempt. Tasks
 * of a stage that never ran its tasks (skipped, rejected, environment failed) get no task events; the
 * stage's event says why and the state marks them `skipped`.
 */
export interface RunReporter {
  onRunStarted?(event: RunStartedEvent): void | Promise<void>;
  onStageStarted?(event: StageStartedEvent): void | Promise<void>;
  onStageFinished?(event: StageFinishedEvent): void | Promise<void>;
  onApproval?(event: ApprovalEvent): void | Promise<void>;
  onEnvironment?(event: EnvironmentEvent): void | Promise<void>;
  onTaskStarted?(event: TaskStartedEvent): void | Promise<void>;
  onTaskLine?(event: TaskLineEvent): void | Promise<void>;
  onTaskFinished?(event: TaskFinishedEvent): void | Promise<void>;
  onWarning?(event: WarningEvent): void | Promise<void>;
  onRunFinished?(event: RunFinishedEvent): void | Promise<void>;
}

// =============================================================================================
// executePipeline
// =============================================================================================

export interface ExecuteOptions {
  run: RunInfo;
  /** Directory the tasks run in. */
  workspace: string;
  /**
   * Base environment of every task (nothing else is inherited). The CLI typically passes
   * `process.env`; expressions see it as `env.*`.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Given to tasks as environment variables, to expressions as `secrets.*`, masked in every line. */
  secrets?: Readonly<Record<string, string>>;
  /** Overrides of the graph's resolved input values (`--input k=v`, already typed). */
  inputs?: Readonly<Record<string, string | number | boolean>>;
  /** Stages running at the same time (a stage waiting for approval does not count). Default 4. */
  stageConcurrency?: number;
  reporter?: RunReporter;
  /** Required when a stage that runs has `approval`; without it such a stage fails. */
  approvals?: ApprovalGate;
  /** Required when a stage that runs has `environment`; without it such a stage errors. */
  environments?: EnvironmentProvider;
  /** Task-type executors, merged over the built-in ones (`shell`). */
  taskTypes?: TaskExecutorRegistry;
  /** Runs every task, whatever its type (mock mode: pass `mockTaskExecutor(...)`). */
  taskExecutor?: TaskExecutor;
  /** Default: the real clock. Mock mode: the mock's `clock` (virtual time). */
  clock?: Clock;
  /** Random number in [0, 1) for retry jitter. Default Math.random. */
  random?: () => number;
  /**
   * Cancels the run: running tasks' process groups are killed (outcome `cancel`), main tasks not yet
   * started are skipped, stages not yet started are skipped; tasks whose condition holds on
   * cancellation (`last`/`first` tasks, `if: cancelled()` or `always()`) in stages already running
   * still run. Environments are released. The run ends `cancel`.
   */
  signal?: AbortSignal;
  /**
   * Stops everything at once, including tasks that started after `signal` (clean-up in `last`), e.g. on
   * a second Ctrl-C. Aborting it also cancels the run.
   */
  killSignal?: AbortSignal;
  /** Continue from this snapshot: finished tasks are not run again, their outputs are reused. */
  previous?: RunState;
  /** Run up to a stage or task (`selectTo`). */
  to?: string;
  /** Run one task only (`selectOnly`); earlier outputs come from `previous` if given. */
  only?: string;
}

export interface RunResult {
  outcome: RunOutcome;
  state: RunState;
  /** The graph that ran (the selected subgraph with `to`/`only`). */
  graph: PipelineGraph;
  /** Warnings also reported through `onWarning`. */
  warnings: string[];
  durationMs: number;
}

/** Variables every task gets (besides `$PIPEWRIGHT_OUTPUT`). */
export const PIPEWRIGHT_VARIABLES = [
  'PIPEWRIGHT_RUN_ID',
  'PIPEWRIGHT_RUN_VERSION',
  'PIPEWRIGHT_RUN_REVISION',
  'PIPEWRIGHT_COMPONENT',
  'PIPEWRIGHT_TEAM',
  'PIPEWRIGHT_SOLUTION',
  'PIPEWRIGHT_STAGE',
  'PIPEWRIGHT_TASK',
  'PIPEWRIGHT_TASK_ID',
  'PIPEWRIGHT_ATTEMPT',
  'PIPEWRIGHT_WORKSPACE',
  'PIPEWRIGHT_ENV_URL',
  'PIPEWRIGHT_ENV_NAME',
] as const;
