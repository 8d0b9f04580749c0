import { type ErrorCollector, type SourceLocation } from '../../errors/spec-error';
import { suggestion } from '../../errors/suggest';
import { analyzeExpression, type PathSegment, type Reference } from '../../expressions/analyze-expression';
import { OUTCOMES, RUN_FIELDS } from '../../expressions/evaluate';
import { allTasks, type RawStage, type RawTask } from '../raw-pipeline';
import { type ReadPipeline } from '../read/read-pipeline';

const ROOTS = ['inputs', 'run', 'tasks', 'stages', 'env', 'secrets'];

/** The whole pipeline, as far as expressions may see it. */
export interface ReferenceContext {
  read: ReadPipeline;
  errors: ErrorCollector;
  /** Stages by name, first of each name only. */
  stages: ReadonlyMap<string, RawStage>;
  ordered: readonly RawStage[];
  ancestorsOf: (stage: string) => ReadonlySet<string>;
  unknownInputMessage: (name: string) => string;
}

/** What a task's expressions may see: tasks of its stage that ran before it, and the stages its stage needs. */
interface TaskScope {
  stage: RawStage;
  task: RawTask;
  before: ReadonlySet<string>;
  /** Tasks in other lanes of the same parallel step. */
  beside: ReadonlySet<string>;
  ancestors: ReadonlySet<string>;
}

/** Checks every expression in the scope of its task, walking each stage's tasks in the order they run. */
export function checkExpressions(context: ReferenceContext): void {
  for (const stage of context.ordered) {
    const ancestors = context.ancestorsOf(stage.name);
    const before = new Set<string>();
    for (const section of ['first', 'main', 'last'] as const) {
      for (const step of stage.sections[section]) {
        if (step.kind === 'task') {
          checkTask(context, { stage, task: step.task, before, beside: new Set(), ancestors });
          before.add(step.task.name);
          continue;
        }
        const all = step.lanes.flat().map((t) => t.name);
        for (const lane of step.lanes) {
          const laneBefore = new Set(before);
          const laneNames = new Set(lane.map((t) => t.name));
          const beside = new Set(all.filter((n) => !laneNames.has(n)));
          for (const task of lane) {
            checkTask(context, { stage, task, before: laneBefore, beside, ancestors });
            laneBefore.add(task.name);
          }
        }
        for (const name of all) before.add(name);
      }
    }
  }
}

function checkTask(context: ReferenceContext, scope: TaskScope): void {
  const { errors } = context;
  for (const site of scope.task.expressions) {
    const analysis = analyzeExpression(site.ast);
    const at = (pos: number) => site.file.locate(site.node, site.fallback, site.offset + pos, site.anchor);
    for (const problem of analysis.problems)
      errors.add(at(problem.pos), 'invalid-expression', `invalid expression: ${problem.message}`);
    if (analysis.usesStatus && !site.condition)
      errors.add(
        at(0),
        'invalid-expression',
        'always(), success(), failure() and cancelled() can only be used in "if"',
      );
    for (const reference of analysis.references) checkReference(context, reference, scope, at);
  }
}

function checkReference(
  context: ReferenceContext,
  reference: Reference,
  scope: TaskScope,
  at: (pos: number) => SourceLocation,
): void {
  const { errors, read, stages, ordered } = context;
  const [root, ...rest] = reference.path;
  if (root === undefined) return;
  const fail = (segment: PathSegment, message: string) => errors.add(at(segment.pos), 'unknown-reference', message);
  const expectEnd = (segments: PathSegment[], count: number, shape: string) => {
    const extra = segments[count];
    if (extra !== undefined) {
      fail(extra, `unexpected ".${extra.name}"; expected ${shape}`);
      return false;
    }
    if (reference.dynamic) {
      fail(root, `computed keys ([…]) are not allowed here; write ${shape}`);
      return false;
    }
    return true;
  };
  const checkOutcome = () => {
    const literal = reference.comparedWith;
    if (literal === undefined) return;
    if (typeof literal.value !== 'string' || !(OUTCOMES as readonly string[]).includes(literal.value))
      errors.add(
        at(literal.pos),
        'invalid-expression',
        `${typeof literal.value === 'string' ? `"${literal.value}"` : String(literal.value)} is not an outcome${typeof literal.value === 'string' ? suggestion(literal.value, OUTCOMES, 'outcomes are') : `; outcomes are: ${OUTCOMES.join(', ')}`}`,
      );
  };
  /** `<task>.outputs.<key>` or `<task>.outcome`, after the task was found. */
  const checkTaskTail = (task: RawTask, segments: PathSegment[], prefix: string) => {
    const [field, key] = segments;
    const shape = `${prefix}.outputs.<key> or ${prefix}.outcome`;
    if (field === undefined) {
      fail(root, `expected ${shape}`);
      return;
    }
    if (field.name === 'outcome') {
      if (expectEnd(segments, 1, shape)) checkOutcome();
      return;
    }
    if (field.name !== 'outputs') {
      fail(field, `unknown field "${field.name}" of ${prefix}${suggestion(field.name, ['outputs', 'outcome'])}`);
      return;
    }
    if (key === undefined) {
      fail(field, `expected ${prefix}.outputs.<key>`);
      return;
    }
    if (!task.outputs.includes(key.name)) {
      const declared =
        task.outputs.length === 0
          ? `; task "${task.name}" declares no outputs (list them in its "outputs")`
          : suggestion(key.name, task.outputs, 'its outputs are');
      fail(key, `unknown output "${key.name}" of task "${task.name}"${declared}`);
      return;
    }
    expectEnd(segments, 2, `${prefix}.outputs.${key.name}`);
  };

  switch (root.name) {
    case 'inputs': {
      const [name] = rest;
      if (name === undefined) return fail(root, 'expected inputs.<name>');
      if (!(name.name in read.inputs) && !read.declaredInputs.has(name.name))
        return fail(name, context.unknownInputMessage(name.name));
      expectEnd(rest, 1, `inputs.${name.name}`);
      return;
    }
    case 'run': {
      const [field] = rest;
      if (field === undefined) return fail(root, `expected run.<field>; fields are: ${RUN_FIELDS.join(', ')}`);
      if (!(RUN_FIELDS as readonly string[]).includes(field.name))
        return fail(field, `unknown field "${field.name}" of run${suggestion(field.name, RUN_FIELDS, 'fields are')}`);
      expectEnd(rest, 1, `run.${field.name}`);
      return;
    }
    case 'env':
    case 'secrets': {
      const [name] = rest;
      if (name === undefined) return fail(root, `expected ${root.name}.<NAME>`);
      expectEnd(rest, 1, `${root.name}.${name.name}`);
      return;
    }
    case 'tasks': {
      const [name, ...tail] = rest;
      if (name === undefined) return fail(root, 'expected tasks.<task>.outputs.<key> or tasks.<task>.outcome');
      const stageTasks = allTasks(scope.stage);
      const task = stageTasks.find((t) => t.name === name.name);
      if (task === undefined) {
        const elsewhere = ordered.find((s) => s !== scope.stage && allTasks(s).some((t) => t.name === name.name));
        const hint = elsewhere
          ? `; it is in stage "${elsewhere.name}": write stages.${elsewhere.name}.tasks.${name.name}`
          : suggestion(
              name.name,
              stageTasks.map((t) => t.name).filter((n) => n !== scope.task.name),
              'tasks of the stage are',
            );
        return fail(name, `unknown task "${name.name}" in stage "${scope.stage.name}"${hint}`);
      }
      if (task === scope.task)
        return fail(name, `task "${name.name}" refers to itself; it can only use tasks that ran before it`);
      if (scope.beside.has(name.name))
        return fail(
          name,
          `task "${name.name}" runs in a parallel lane beside task "${scope.task.name}", not before it`,
        );
      if (!scope.before.has(name.name))
        return fail(
          name,
          `task "${name.name}" runs after task "${scope.task.name}"; an expression can only use tasks that ran before it`,
        );
      checkTaskTail(task, tail, `tasks.${name.name}`);
      return;
    }
    case 'stages': {
      const [name, field, taskName, ...tail] = rest;
      if (name === undefined)
        return fail(root, 'expected stages.<stage>.tasks.<task>.outputs.<key> or stages.<stage>.outcome');
      const stage = stages.get(name.name);
      if (stage === undefined)
        return fail(name, `unknown stage "${name.name}"${suggestion(name.name, [...stages.keys()], 'stages are')}`);
      if (stage === scope.stage)
        return fail(name, `stage "${name.name}" is the task's own stage; write tasks.<task> for its tasks`);
      if (!scope.ancestors.has(name.name))
        return fail(
          name,
          `stage "${name.name}" does not run before stage "${scope.stage.name}"; add it to "needs" to use its results`,
        );
      const prefix = `stages.${name.name}`;
      if (field === undefined) return fail(name, `expected ${prefix}.tasks.<task> or ${prefix}.outcome`);
      if (field.name === 'outcome') {
        if (expectEnd(rest, 2, `${prefix}.outcome`)) checkOutcome();
        return;
      }
      if (field.name !== 'tasks')
        return fail(field, `unknown field "${field.name}" of ${prefix}${suggestion(field.name, ['tasks', 'outcome'])}`);
      if (taskName === undefined) return fail(field, `expected ${prefix}.tasks.<task>`);
      const tasks = allTasks(stage);
      const task = tasks.find((t) => t.name === taskName.name);
      if (task === undefined)
        return fail(
          taskName,
          `unknown task "${taskName.name}" in stage "${stage.name}"${suggestion(
            taskName.name,
            tasks.map((t) => t.name),
            'its tasks are',
          )}`,
        );
      checkTaskTail(task, tail, `${prefix}.tasks.${taskName.name}`);
      return;
    }
    default:
      fail(root, `unknown name "${root.name}" in expression${suggestion(root.name, ROOTS, 'expected one of')}`);
  }
}
