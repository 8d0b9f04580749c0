import { type PipelineGraph, stageTasks } from '@pipewright/pipeline-spec';
import { ExecutorError } from './executor.errors';
import type { RunState, StageState, TaskState } from './executor.types';

export function newTaskState(stage: string, name: string): TaskState {
  return { stage, name, status: 'pending', attempts: 0, outputs: {} };
}

/**
 * The state a run starts from: the previous snapshot's entries (all of them: with `only`, earlier
 * results of stages outside the selected graph still feed expressions), plus a pending entry for
 * every stage and task of the graph that has none. With `onlyTaskId` the task and its stage start over.
 * Entries carried over from another run (a re-run) are marked `reused`.
 */
export function initialState(
  graph: PipelineGraph,
  runId: string,
  startedAt: string,
  previous: RunState | undefined,
  onlyTaskId: string | undefined,
): RunState {
  if (previous !== undefined && (previous.schemaVersion !== 1 || typeof previous.stages !== 'object'))
    throw new ExecutorError(
      'invalid-state',
      `the previous run state has an unknown format (schemaVersion ${String(previous.schemaVersion)})`,
    );
  const sameRun = previous?.runId === runId;
  const state: RunState = {
    schemaVersion: 1,
    runId,
    status: 'running',
    startedAt: sameRun ? previous.startedAt : startedAt,
    stages: {},
    tasks: {},
  };
  if (previous !== undefined) {
    const copy = structuredClone(previous);
    for (const [name, stage] of Object.entries(copy.stages)) {
      if (!sameRun && stage.status === 'finished') stage.reused = true;
      state.stages[name] = stage;
    }
    for (const [id, task] of Object.entries(copy.tasks)) {
      if (!sameRun && task.status === 'finished') task.reused = true;
      state.tasks[id] = task;
    }
  }
  if (onlyTaskId !== undefined) {
    const stage = onlyTaskId.slice(0, onlyTaskId.indexOf('.'));
    delete state.tasks[onlyTaskId];
    delete state.stages[stage];
  }
  for (const stage of graph.stages) {
    const existing = state.stages[stage.name];
    // A stage that is not finished runs (again); its finished tasks are reused, the others run.
    if (existing === undefined) state.stages[stage.name] = { status: 'pending' } satisfies StageState;
    for (const task of stageTasks(stage)) state.tasks[task.id] ??= newTaskState(stage.name, task.name);
  }
  return state;
}
