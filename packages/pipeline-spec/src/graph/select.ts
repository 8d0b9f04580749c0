import { nearest } from '../errors/suggest';
import {
  type PipelineGraph,
  SECTION_NAMES,
  type SectionName,
  type StageNode,
  type Step,
  type TaskNode,
} from './pipeline-graph';
import { PipelineGraphError } from './topological-order';

/** Every task of a stage, in the order it is written (first, main, last; lanes one after the other). */
export function stageTasks(stage: StageNode): TaskNode[] {
  return SECTION_NAMES.flatMap((section) =>
    stage.sections[section].flatMap((step) => (step.kind === 'task' ? [step.task] : step.lanes.flat())),
  );
}

/** Every task of the graph, stage by stage. */
export function graphTasks(graph: PipelineGraph): TaskNode[] {
  return graph.stages.flatMap(stageTasks);
}

type Target = { kind: 'stage'; stage: StageNode } | { kind: 'task'; stage: StageNode; task: TaskNode };

/** A stage name, a task id (`stage.task`), or a task name that only one stage has. */
function findTarget(graph: PipelineGraph, target: string): Target {
  const stage = graph.stages.find((s) => s.name === target);
  if (stage !== undefined) return { kind: 'stage', stage };
  const candidates: Target[] = [];
  for (const s of graph.stages)
    for (const task of stageTasks(s))
      if (task.id === target || task.name === target) candidates.push({ kind: 'task', stage: s, task });
  const exact = candidates.find((c) => c.kind === 'task' && c.task.id === target);
  if (exact !== undefined) return exact;
  if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0];
  if (candidates.length > 1) {
    const ids = candidates.map((c) => (c.kind === 'task' ? c.task.id : c.stage.name));
    throw new PipelineGraphError(
      'ambiguous-target',
      `"${target}" names more than one task: ${ids.join(', ')}; write <stage>.<task>`,
    );
  }
  const names = [...graph.stages.map((s) => s.name), ...graphTasks(graph).map((t) => t.id)];
  const near = nearest(target, names);
  throw new PipelineGraphError(
    'unknown-target',
    `no stage or task "${target}" in pipeline "${graph.name}"${near === undefined ? `; stages are: ${graph.stages.map((s) => s.name).join(', ')}` : `; did you mean "${near}"?`}`,
  );
}

function ancestorsOf(graph: PipelineGraph, name: string): Set<string> {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const need of byName.get(n)?.needs ?? []) {
      if (out.has(need)) continue;
      out.add(need);
      visit(need);
    }
  };
  visit(name);
  return out;
}

function sectionOf(stage: StageNode, task: TaskNode): { section: SectionName; index: number } {
  for (const section of SECTION_NAMES) {
    const index = stage.sections[section].findIndex((step) =>
      step.kind === 'task' ? step.task.id === task.id : step.lanes.some((lane) => lane.some((t) => t.id === task.id)),
    );
    if (index >= 0) return { section, index };
  }
  throw new PipelineGraphError('unknown-target', `task "${task.id}" is not in stage "${stage.name}"`);
}

/** The step holding `task`, cut after it: a task step as is; of parallel lanes only the task's lane, up to the task. */
function cutStep(step: Step, task: TaskNode): Step {
  if (step.kind === 'task') return step;
  const lane = step.lanes.find((l) => l.some((t) => t.id === task.id)) ?? [];
  return { kind: 'parallel', lanes: [lane.slice(0, lane.findIndex((t) => t.id === task.id) + 1)] };
}

/**
 * The part of the graph needed to run up to `target` (for `run --to`): a stage with every stage it
 * needs, directly or not; or a task with everything before it — the stages its stage needs, and in its
 * own stage the steps before it. The stage's `last` section is kept (it cleans up) unless the target is
 * in it. Throws {@link PipelineGraphError} when the target is unknown or ambiguous.
 */
export function selectTo(graph: PipelineGraph, target: string): PipelineGraph {
  const found = findTarget(graph, target);
  const keep = ancestorsOf(graph, found.stage.name);
  keep.add(found.stage.name);
  const stages = graph.stages
    .filter((stage) => keep.has(stage.name))
    .map((stage) => {
      if (found.kind === 'stage' || stage.name !== found.stage.name) return stage;
      const { section, index } = sectionOf(stage, found.task);
      const cut = (name: SectionName): Step[] => {
        const steps = stage.sections[name];
        const position = SECTION_NAMES.indexOf(name) - SECTION_NAMES.indexOf(section);
        if (position < 0) return steps;
        if (position === 0) return [...steps.slice(0, index), cutStep(steps[index] as Step, found.task)];
        return name === 'last' ? steps : [];
      };
      return { ...stage, sections: { first: cut('first'), main: cut('main'), last: cut('last') } };
    });
  return { ...graph, stages };
}

/**
 * A graph with one task only (for `run --only`): its stage, without `needs` (earlier results come from
 * a previous run), keeping the stage's environment and approval, with the task alone in its section.
 * Throws {@link PipelineGraphError} when the task is unknown or ambiguous, or a stage is named.
 */
export function selectOnly(graph: PipelineGraph, taskId: string): PipelineGraph {
  const found = findTarget(graph, taskId);
  if (found.kind === 'stage')
    throw new PipelineGraphError(
      'unknown-target',
      `"${taskId}" is a stage; name one of its tasks: ${stageTasks(found.stage)
        .map((t) => t.id)
        .join(', ')}`,
    );
  const { section } = sectionOf(found.stage, found.task);
  const sections = { first: [] as Step[], main: [] as Step[], last: [] as Step[] };
  sections[section] = [{ kind: 'task', task: found.task }];
  return { ...graph, stages: [{ ...found.stage, needs: [], sections }] };
}
