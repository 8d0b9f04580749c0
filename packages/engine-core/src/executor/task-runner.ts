import {
  effectiveCondition,
  evaluateCondition,
  type ExpressionContext,
  interpolate,
  interpolateValue,
  type JsonValue,
  type SectionName,
  type StageNode,
  type TaskNode,
} from '@pipewright/pipeline-spec';
import { retryDelay } from './clock';
import { errorMessage } from './executor.errors';
import type { TaskExecutionResult, TaskResult, TaskResultOutcome, TaskState } from './executor.types';
import { hasResult, resultReferences } from './expression-references';
import type { RunContext, Scope, StageEnv } from './run-context';
import { type AttemptPlan, executorFor, recoverAttempt, resultError, runAttempt } from './task-attempt';

/** The reason a task that was running when the engine stopped is failed instead of run again. */
export const NOT_IDEMPOTENT_REASON =
  'the engine stopped while this task was running; it is not marked idempotent, so it was not run again';

const FAILING = new Set<TaskResultOutcome>(['failure', 'error', 'cancel']);

/**
 * Runs one task of a running stage: a result carried over from the previous state is reused; a pending
 * task runs when its condition holds; an attempt interrupted by an engine stop is recovered from its
 * executor when that knows its result, else run again if the task is idempotent and failed if not.
 * Then attempts follow the retry policy. The result goes into `scope`.
 */
export async function runTask(
  run: RunContext,
  stage: StageNode,
  task: TaskNode,
  section: SectionName,
  scope: Scope,
  stageEnv: StageEnv,
): Promise<void> {
  const state = run.taskState(task);
  if (state.status === 'finished') {
    // Carried over from the previous state: not run again, its result and outputs are reused.
    applyToScope(run, scope, task, state);
    return;
  }
  const interrupted = state.status === 'running';
  // Without a way to learn what became of the interrupted attempt, the rule stands before anything is evaluated.
  if (interrupted && !task.idempotent && executorFor(run, task)?.resume === undefined)
    return finishWithoutRunning(run, task, scope, 'failure', NOT_IDEMPOTENT_REASON);
  const context = expressionContext(run, stage, scope);
  if (state.status === 'pending') {
    const condition = effectiveCondition(section, task.if);
    let holds: boolean;
    try {
      holds = evaluateCondition(condition, context);
    } catch (error) {
      return finishWithoutRunning(
        run,
        task,
        scope,
        'error',
        `its condition could not be evaluated: ${errorMessage(error)}`,
      );
    }
    if (!holds) {
      if (context.status === 'cancelled') scope.cancelled = true;
      return finishWithoutRunning(run, task, scope, 'skipped', skipReason(section, task, context));
    }
    if (run.onlyTaskId !== undefined) await warnAboutMissingResults(run, task, context);
  }
  let inputs: Record<string, JsonValue>;
  let taskEnv: Record<string, string>;
  try {
    inputs = interpolateValue(task.with, context) as Record<string, JsonValue>;
    taskEnv = {};
    for (const [key, value] of Object.entries(task.env)) taskEnv[key] = interpolate(value, context);
  } catch (error) {
    return finishWithoutRunning(
      run,
      task,
      scope,
      'error',
      `its expressions could not be evaluated: ${errorMessage(error)}`,
    );
  }
  const executor = executorFor(run, task);
  if (executor === undefined)
    return finishWithoutRunning(run, task, scope, 'error', `no executor for task type "${task.uses}"`);
  const plan: AttemptPlan = { executor, task, section, inputs, taskEnv, stageEnv };

  let firstAttempt = 1;
  let maxAttempts = task.retry.attempts;
  let recovered: TaskExecutionResult | undefined;
  if (interrupted) {
    recovered = await recoverAttempt(run, plan, state.attempts);
    if (run.fatal) return;
    if (recovered === undefined && !task.idempotent)
      return finishWithoutRunning(run, task, scope, 'failure', NOT_IDEMPOTENT_REASON);
  }
  if (recovered !== undefined) {
    // The interrupted attempt's own result: it counts as that attempt, the retry policy goes on from it.
    firstAttempt = state.attempts;
  } else if (interrupted || state.status === 'retrying') {
    // Interrupted by an engine stop: the next attempt runs, even if that exceeds the retry policy.
    firstAttempt = state.attempts + 1;
    maxAttempts = Math.max(maxAttempts, firstAttempt);
  }

  for (let attempt = firstAttempt; ; attempt++) {
    if (run.fatal) return;
    let result: TaskExecutionResult;
    if (recovered !== undefined && attempt === firstAttempt) {
      result = recovered;
    } else {
      state.status = 'running';
      state.attempts = attempt;
      state.startedAt ??= run.iso();
      await run.report('onTaskStarted', (base) => ({ ...base, task, attempt }));
      if (run.fatal) return;
      result = await runAttempt(run, plan, attempt);
    }
    if (run.fatal) return;
    const last = result.outcome === 'success' || result.outcome === 'cancel' || attempt >= maxAttempts || run.cancelled;
    const retryInMs = last ? undefined : retryDelay(task.retry, attempt, run.random);
    state.exitCode = result.exitCode;
    state.timedOut = result.timedOut;
    state.durationMs = result.durationMs;
    state.outputs = result.outputs;
    const error = resultError(result, task);
    if (error !== undefined) state.reason = run.masker.mask(error);
    else delete state.reason;
    if (last) {
      state.status = 'finished';
      state.outcome = result.outcome;
      state.finishedAt = run.iso();
      applyToScope(run, scope, task, state);
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
    await run.report('onTaskFinished', (base) => ({ ...base, task, result: reported }));
    if (last) return;
    await run.clock.sleep(retryInMs ?? 0, run.cancelSignal());
    if (run.fatal) return;
    if (run.cancelled)
      return finishWithoutRunning(run, task, scope, 'cancel', 'the run was cancelled while the task waited to retry');
  }
}

function expressionContext(run: RunContext, stage: StageNode, scope: Scope): ExpressionContext {
  return {
    status: run.cancelled ? 'cancelled' : scope.failed ? 'failure' : 'success',
    inputs: run.inputs,
    run: run.run,
    tasks: run.stageContext(stage.name).tasks,
    stages: run.stagesContext,
    env: run.baseEnv,
    secrets: run.options.secrets ?? {},
  };
}

function applyToScope(run: RunContext, scope: Scope, task: TaskNode, state: TaskState): void {
  run.stageContext(task.stage).tasks[task.name] = { outcome: state.outcome, outputs: state.outputs };
  if (state.outcome === 'cancel') scope.cancelled = true;
  else if (state.outcome !== undefined && FAILING.has(state.outcome) && !scope.failed) {
    scope.failed = true;
    scope.reason = `task "${task.name}" ${describeFailure(state)}`;
  }
}

/** Finishes a task without running it (skipped, or failed before it could start) and reports it. */
async function finishWithoutRunning(
  run: RunContext,
  task: TaskNode,
  scope: Scope,
  outcome: TaskResultOutcome,
  reason: string,
): Promise<void> {
  const state = run.taskState(task);
  state.status = 'finished';
  state.outcome = outcome;
  state.reason = run.masker.mask(reason);
  state.finishedAt = run.iso();
  applyToScope(run, scope, task, state);
  await run.report('onTaskFinished', (base) => ({
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

async function warnAboutMissingResults(run: RunContext, task: TaskNode, context: ExpressionContext): Promise<void> {
  for (const reference of resultReferences(task)) {
    if (hasResult(context, reference)) continue;
    const what =
      reference.task === undefined ? `stage "${reference.stage}"` : `task "${reference.stage}.${reference.task}"`;
    await run.warn(
      `task "${task.id}" uses results of ${what}, which did not run in this run and has no result in a previous run; its expressions see empty values`,
      task.id,
    );
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
