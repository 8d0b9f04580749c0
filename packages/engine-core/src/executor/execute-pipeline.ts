import {
  type PipelineGraph,
  PipelineGraphError,
  selectOnly,
  selectTo,
  stageTasks,
  type StageNode,
} from '@pipewright/pipeline-spec';
import { ExecutorError } from './executor.errors';
import type { ExecuteOptions, RunOutcome, RunResult } from './executor.types';
import { RunContext } from './run-context';
import { releaseEnvironments } from './stage-environment';
import { runStages } from './stage-scheduler';

export { NOT_IDEMPOTENT_REASON } from './task-runner';

export const DEFAULT_STAGE_CONCURRENCY = 4;

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
  const run = new RunContext(graph, selected, options, onlyTaskId);
  const kill = () => run.stop.abort(new Error('killed'));
  const killSignal = options.killSignal;
  if (killSignal?.aborted) kill();
  killSignal?.addEventListener('abort', kill, { once: true });
  try {
    return await executeRun(run, concurrency);
  } finally {
    killSignal?.removeEventListener('abort', kill);
  }
}

async function executeRun(run: RunContext, concurrency: number): Promise<RunResult> {
  const started = run.clock.now();
  await run.report('onRunStarted', (base) => ({ ...base, resumed: run.options.previous !== undefined }));
  if (!run.fatal) await runStages(run, concurrency);
  if (!run.fatal) await releaseEnvironments(run);
  if (!run.fatal) {
    const outcome = runOutcome(run);
    run.state.status = 'finished';
    run.state.outcome = outcome;
    run.state.finishedAt = run.iso();
    await run.report('onRunFinished', (base) => ({ ...base, outcome }));
  }
  if (run.fatal)
    throw new ExecutorError('reporter-failed', `the run stopped: reporting failed: ${run.fatal.message}`, {
      cause: run.fatal,
    });
  return {
    outcome: run.state.outcome ?? 'failure',
    state: run.state,
    graph: run.graph,
    warnings: run.warnings,
    durationMs: run.clock.now() - started,
  };
}

function runOutcome(run: RunContext): RunOutcome {
  const outcomes = run.graph.stages.map((stage) => run.state.stages[stage.name]?.outcome);
  if (outcomes.every((outcome) => outcome === 'success')) return 'success';
  return run.cancelled ? 'cancel' : 'failure';
}
