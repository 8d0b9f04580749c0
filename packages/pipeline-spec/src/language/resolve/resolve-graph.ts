import { type ErrorCollector, type SourceLocation } from '../../errors/spec-error';
import { type PipelineGraph } from '../../graph/pipeline-graph';
import { allTasks, type RawStage, type RawTask } from '../raw-pipeline';
import { type ReadPipeline } from '../read/read-pipeline';
import { buildGraph } from './build-graph';
import { checkExpressions } from './check-references';
import { ancestry, reportCycles, resolveNeeds } from './needs';

/**
 * Checks what spans stages and files — unique names, `needs` targets and cycles, references in
 * expressions — and builds the graph. Returns undefined when anything is wrong (all of it reported).
 */
export function resolveGraph(
  read: ReadPipeline,
  errors: ErrorCollector,
  unknownInputMessage: (name: string) => string,
): PipelineGraph | undefined {
  const errorsBefore = errors.count;
  const stages = uniqueStages(read.stages, errors);
  const ordered = [...stages.values()];
  const needs = resolveNeeds(ordered, stages, errors);
  const cyclic = reportCycles(ordered, needs, errors);
  checkExpressions({ read, errors, stages, ordered, ancestorsOf: ancestry(needs), unknownInputMessage });
  if (cyclic || errors.count > errorsBefore) return undefined;
  return buildGraph(read, ordered, needs);
}

/**
 * The stages by name, in file order. A second stage of a name is reported and left out; a second
 * task of a name in a stage is reported. Both errors point at the first.
 */
function uniqueStages(all: readonly RawStage[], errors: ErrorCollector): Map<string, RawStage> {
  const stages = new Map<string, RawStage>();
  for (const stage of all) {
    const first = stages.get(stage.name);
    if (first !== undefined) {
      errors.add(
        stage.nameLocation,
        'duplicate-name',
        `duplicate stage name "${stage.name}"; the first is at ${where(first.nameLocation)}`,
      );
      continue;
    }
    stages.set(stage.name, stage);
    const tasks = new Map<string, RawTask>();
    for (const task of allTasks(stage)) {
      const firstTask = tasks.get(task.name);
      if (firstTask !== undefined)
        errors.add(
          task.nameLocation,
          'duplicate-name',
          `duplicate task name "${task.name}" in stage "${stage.name}"; the first is at ${where(firstTask.nameLocation)}`,
        );
      else tasks.set(task.name, task);
    }
  }
  return stages;
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
