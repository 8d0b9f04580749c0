import { formatDuration, type JsonValue, type SectionName, type TaskNode } from '@pipewright/pipeline-spec';
import { errorMessage, toError } from './executor.errors';
import type { TaskExecution, TaskExecutionResult, TaskExecutor, TaskExecutorRegistry } from './executor.types';
import type { RunContext, StageEnv } from './run-context';
import { shellTaskExecutor } from './shell-task-executor';

const builtInExecutors: TaskExecutorRegistry = { shell: shellTaskExecutor };

/** One attempt of a task, everything resolved but the attempt number. */
export interface AttemptPlan {
  executor: TaskExecutor;
  task: TaskNode;
  section: SectionName;
  /** The task's `with`, templates resolved. */
  inputs: Record<string, JsonValue>;
  /** The task's own `env`, templates resolved. */
  taskEnv: Record<string, string>;
  stageEnv: StageEnv;
}

export function executorFor(run: RunContext, task: TaskNode): TaskExecutor | undefined {
  if (run.options.taskExecutor !== undefined) return run.options.taskExecutor;
  return run.options.taskTypes?.[task.uses] ?? builtInExecutors[task.uses];
}

/** Runs attempt `attempt` through the task's executor; whatever the executor throws is outcome `error`. */
export async function runAttempt(run: RunContext, plan: AttemptPlan, attempt: number): Promise<TaskExecutionResult> {
  try {
    return await plan.executor.execute(taskExecution(run, plan, attempt));
  } catch (error) {
    return { outcome: 'error', exitCode: null, timedOut: false, durationMs: 0, outputs: {}, error: toError(error) };
  }
}

/**
 * Asks the executor what became of attempt `attempt`, which was running when the engine stopped (its
 * `resume` hook: the result, possibly after waiting for it, or undefined when nothing is known). An
 * executor without the hook, or one that throws, knows nothing.
 */
export async function recoverAttempt(
  run: RunContext,
  plan: AttemptPlan,
  attempt: number,
): Promise<TaskExecutionResult | undefined> {
  const { executor, task } = plan;
  if (executor.resume === undefined) return undefined;
  try {
    return await executor.resume(taskExecution(run, plan, attempt));
  } catch (error) {
    await run.warn(
      `what became of attempt ${attempt} of task "${task.id}" could not be found out: ${errorMessage(error)}`,
      task.id,
    );
    return undefined;
  }
}

function taskExecution(run: RunContext, plan: AttemptPlan, attempt: number): TaskExecution {
  const { task, section, inputs, taskEnv, stageEnv } = plan;
  // A task that starts after the run was cancelled (clean-up) is not stopped by that cancel, only by a kill.
  const signal = run.cancelled ? run.stop.signal : run.cancelSignal();
  const reporter = run.reporter;
  // base env + task env + PIPEWRIGHT_* + secrets; without a task env the stage's part is ready-made.
  const env: Record<string, string> = {
    ...(isEmpty(taskEnv) ? stageEnv.base : { ...run.baseEnv, ...taskEnv, ...run.runEnv, ...stageEnv.variables }),
    PIPEWRIGHT_STAGE: task.stage,
    PIPEWRIGHT_TASK: task.name,
    PIPEWRIGHT_TASK_ID: task.id,
    PIPEWRIGHT_ATTEMPT: String(attempt),
    ...run.options.secrets,
  };
  return {
    runId: run.state.runId,
    task,
    section,
    attempt,
    inputs,
    env,
    cwd: run.options.workspace,
    timeoutMs: task.timeoutMs,
    secrets: run.secretValues,
    signal,
    clock: run.clock,
    onLine:
      reporter.onTaskLine === undefined
        ? () => undefined
        : async (line) => {
            try {
              await reporter.onTaskLine?.({ runId: run.state.runId, task, attempt, line });
            } catch (error) {
              run.fail(error);
              throw error;
            }
          },
  };
}

/** Why an attempt did not succeed, in a few words (undefined for a success). */
export function resultError(result: TaskExecutionResult, task: TaskNode): string | undefined {
  if (result.outcome === 'success') return undefined;
  if (result.outcome === 'cancel') return 'cancelled';
  // An executor may know more than the clock (a worker pool: nobody took the task), and says so.
  if (result.timedOut)
    return `timed out after ${formatDuration(task.timeoutMs)}${result.error ? `: ${result.error.message}` : ''}`;
  if (result.error !== undefined) return result.error.message;
  if (result.exitCode !== null) return `exit code ${result.exitCode}`;
  return undefined;
}

function isEmpty(record: Record<string, string>): boolean {
  for (const _ in record) return false;
  return true;
}
