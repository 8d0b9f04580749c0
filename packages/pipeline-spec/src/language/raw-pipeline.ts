import { type SourceLocation } from '../errors/spec-error';
import { type Expr } from '../expressions/ast';
import { type SectionName, type StageNode, type TaskNode } from '../graph/pipeline-graph';
import { type SourceFile, type YamlValue } from './source-file';

/**
 * What the reader makes of the files, before names and references are checked across the pipeline:
 * the graph's own fields (so the two cannot drift apart), plus where each thing was written and the
 * expressions still to check.
 */

/** One `${{ … }}` (or `if` condition) to check against the task's scope once every stage is known. */
export interface ExpressionSite {
  file: SourceFile;
  node: YamlValue;
  fallback: SourceLocation;
  /** Index in the scalar's value where the expression source starts. */
  offset: number;
  /** Index in the scalar's value of the `${{` before it (absent for a bare condition). */
  anchor?: number;
  ast: Expr;
  /** Status functions (always(), failure()...) are allowed: the site is an `if`. */
  condition: boolean;
}

/** A task as written; the graph adds its id and stage. */
export interface RawTask extends Omit<TaskNode, 'id' | 'stage' | 'source'> {
  location: SourceLocation;
  nameLocation: SourceLocation;
  expressions: ExpressionSite[];
}

export type RawStep = { kind: 'task'; task: RawTask } | { kind: 'parallel'; lanes: RawTask[][] };

export interface RawNeed {
  name: string;
  location: SourceLocation;
}

/** A stage as written; its `needs` are names to resolve, its sections hold raw tasks. */
export interface RawStage extends Pick<StageNode, 'name' | 'environment' | 'approval'> {
  location: SourceLocation;
  nameLocation: SourceLocation;
  /** Undefined when the stage has no `needs`: it then needs the stage before it. */
  needs?: RawNeed[];
  sections: Record<SectionName, RawStep[]>;
}

function tasksOf(steps: RawStep[]): RawTask[] {
  return steps.flatMap((step) => (step.kind === 'task' ? [step.task] : step.lanes.flat()));
}

/** Every task of a stage, in file order. */
export function allTasks(stage: RawStage): RawTask[] {
  return [...tasksOf(stage.sections.first), ...tasksOf(stage.sections.main), ...tasksOf(stage.sections.last)];
}
