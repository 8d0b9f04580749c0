import { existsSync } from 'node:fs';
import {
  LogLines,
  TaskAssignmentFinished,
  TaskAssignmentHeartbeat,
  type TaskAssigned,
  type TaskAssignmentFinished as Finished,
} from '@pipewright/contracts';
import {
  SecretMasker,
  shellTaskExecutor,
  systemClock,
  type TaskExecutionResult,
  type TaskExecutorRegistry,
} from '@pipewright/engine-core';
import { TaskLogPublisher, type EventBus } from '@pipewright/event-bus';

/** The task types a worker runs, with the engine's own implementations (same semantics wherever a task runs). */
export const WORKER_TASK_TYPES: TaskExecutorRegistry = { shell: shellTaskExecutor };

export interface AssignmentContext {
  bus: EventBus;
  workerId: string;
  /** The worker's own environment, without its configuration: the task's variables go over it. */
  baseEnv: Readonly<Record<string, string>>;
  /** Aborted when the engine cancels the assignment: the task's process group is killed. */
  signal: AbortSignal;
  warn: (message: string) => void;
}

/**
 * Runs one accepted assignment: the task's process (engine-core's task types), its lines to
 * `pipewright.logs` as the engine would publish them, a heartbeat every `heartbeatMs` while it runs,
 * then the result to the engine. Returns what it reported.
 */
export async function runAssignment(assignment: TaskAssigned, context: AssignmentContext): Promise<Finished> {
  const { bus } = context;
  const logs = new TaskLogPublisher({
    firstSeq: assignment.logs.firstSeq,
    send: async (lines) => {
      await bus.publishDirect(LogLines, {
        runId: assignment.runId,
        taskRunId: assignment.taskRunId,
        taskName: assignment.taskName,
        stage: assignment.stage,
        component: assignment.logs.component,
        team: assignment.logs.team,
        lines,
      });
    },
    onDropped: (error, lines) =>
      context.warn(
        `${lines} log line(s) of ${assignment.taskId} dropped: ${error instanceof Error ? error.message : String(error)}`,
      ),
  });
  const beat = setInterval(() => {
    bus
      .publishDirect(TaskAssignmentHeartbeat, {
        assignmentId: assignment.assignmentId,
        runId: assignment.runId,
        workerId: context.workerId,
        logLines: logs.lines,
        at: new Date().toISOString(),
      })
      .catch((error: unknown) =>
        context.warn(
          `heartbeat for ${assignment.taskId} not sent: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }, assignment.heartbeatMs);
  let result: TaskExecutionResult;
  try {
    result = await execute(assignment, context, (line) => logs.add(line));
  } finally {
    clearInterval(beat);
    await logs.close();
  }
  const masker = new SecretMasker(assignment.secrets);
  const finished: Finished = {
    assignmentId: assignment.assignmentId,
    runId: assignment.runId,
    workerId: context.workerId,
    outcome: result.outcome,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    outputs: result.outputs,
    ...(result.error ? { error: masker.mask(result.error.message).slice(0, 4_000) } : {}),
    logLines: logs.lines,
    finishedAt: new Date().toISOString(),
  };
  await bus.publishDirect(TaskAssignmentFinished, finished);
  return finished;
}

function execute(
  assignment: TaskAssigned,
  context: AssignmentContext,
  onLine: (line: { stream: 'stdout' | 'stderr'; text: string; time: string }) => void | Promise<void>,
): Promise<TaskExecutionResult> {
  const executor = WORKER_TASK_TYPES[assignment.uses];
  if (executor === undefined)
    return Promise.resolve(
      refused(
        `worker ${context.workerId} runs task types ${Object.keys(WORKER_TASK_TYPES).join(', ')}, not "${assignment.uses}"`,
      ),
    );
  if (!existsSync(assignment.workspace))
    return Promise.resolve(
      refused(`the workspace ${assignment.workspace} does not exist on worker ${context.workerId}`),
    );
  return executor.execute({
    runId: assignment.runId,
    // The task as the executor sees it: only what the assignment carries matters to a task type.
    task: {
      id: assignment.taskId,
      name: assignment.taskName,
      stage: assignment.stage,
      uses: assignment.uses,
      with: assignment.inputs,
      env: {},
      timeoutMs: assignment.timeoutMs,
      retry: { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, jitter: 0 },
      pool: assignment.pool,
      idempotent: assignment.idempotent,
      outputs: [],
      source: { file: 'pipewright.yml', line: 0, column: 0 },
    },
    section: 'main',
    attempt: assignment.attempt,
    inputs: assignment.inputs,
    env: { ...context.baseEnv, ...assignment.env, PIPEWRIGHT_WORKER_ID: context.workerId },
    cwd: assignment.workspace,
    timeoutMs: assignment.timeoutMs,
    secrets: assignment.secrets,
    signal: context.signal,
    onLine,
    clock: systemClock,
  });
}

function refused(reason: string): TaskExecutionResult {
  return { outcome: 'error', exitCode: null, timedOut: false, durationMs: 0, outputs: {}, error: new Error(reason) };
}
