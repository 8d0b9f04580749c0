import { type PipelineGraph, type StageNode, type Step, type TaskNode } from '../../graph/pipeline-graph';
import { orderStages } from '../../graph/topological-order';
import { type RawStage, type RawStep, type RawTask } from '../raw-pipeline';
import { type ReadPipeline } from '../read/read-pipeline';
import { type NeedsByStage } from './needs';

/**
 * The graph of a pipeline that passed every check. Fields are copied one by one: a raw task also
 * carries positions and parsed expressions, which must not end up in the stored snapshot.
 */
export function buildGraph(read: ReadPipeline, ordered: readonly RawStage[], needs: NeedsByStage): PipelineGraph {
  const nodes: StageNode[] = ordered.map((stage) => ({
    name: stage.name,
    needs: (needs.get(stage.name) ?? []).map((need) => need.name),
    ...(stage.environment === undefined ? {} : { environment: stage.environment }),
    ...(stage.approval === undefined ? {} : { approval: stage.approval }),
    sections: {
      first: toSteps(stage.name, stage.sections.first),
      main: toSteps(stage.name, stage.sections.main),
      last: toSteps(stage.name, stage.sections.last),
    },
    source: stage.location,
  }));
  return {
    schemaVersion: 1,
    component: read.component,
    team: read.team,
    solution: read.solution,
    name: read.name,
    source: read.source,
    inputs: read.inputs,
    stages: orderStages(nodes),
  };
}

function toSteps(stage: string, steps: RawStep[]): Step[] {
  return steps.map((step) =>
    step.kind === 'task'
      ? { kind: 'task', task: toTask(stage, step.task) }
      : { kind: 'parallel', lanes: step.lanes.map((lane) => lane.map((task) => toTask(stage, task))) },
  );
}

function toTask(stage: string, task: RawTask): TaskNode {
  return {
    id: `${stage}.${task.name}`,
    name: task.name,
    stage,
    uses: task.uses,
    with: task.with,
    env: task.env,
    timeoutMs: task.timeoutMs,
    retry: task.retry,
    ...(task.if === undefined ? {} : { if: task.if }),
    ...(task.pool === undefined ? {} : { pool: task.pool }),
    idempotent: task.idempotent,
    outputs: task.outputs,
    source: task.location,
  };
}
