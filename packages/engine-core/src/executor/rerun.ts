import { type PipelineGraph, stageTasks } from '@pipewright/pipeline-spec';
import type { RunState } from './executor.types';

/**
 * The state to pass as `previous` to re-run a finished run from its failed stage(s) (`--from-failed`):
 * stages that succeeded (every one of their tasks finished) keep their results and outputs; stages that
 * failed, errored, were skipped or cancelled or did not finish, and every stage downstream of them, are
 * dropped so they run again. Give the new run a new run id: the kept entries are then marked `reused`.
 * The graph may have changed since (that is usually why one re-runs): a stage whose tasks are not all
 * in the previous state runs again too.
 */
export function stateForRerunFromFailed(previous: RunState, graph: PipelineGraph): RunState {
  const rerun = new Set<string>();
  for (const stage of graph.stages) {
    const state = previous.stages[stage.name];
    const complete = stageTasks(stage).every((task) => previous.tasks[task.id]?.status === 'finished');
    if (
      state?.status !== 'finished' ||
      state.outcome !== 'success' ||
      !complete ||
      stage.needs.some((need) => rerun.has(need))
    )
      rerun.add(stage.name);
  }
  const next = structuredClone(previous);
  next.status = 'running';
  delete next.outcome;
  delete next.finishedAt;
  for (const name of rerun) delete next.stages[name];
  for (const [id, task] of Object.entries(next.tasks)) if (rerun.has(task.stage)) delete next.tasks[id];
  return next;
}
