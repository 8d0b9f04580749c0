import { type ErrorCollector, type SourceLocation } from '../errors/spec-error';
import { suggestion } from '../errors/suggest';
import { analyzeExpression, type PathSegment, type Reference } from '../expressions/analyze-expression';
import { OUTCOMES, RUN_FIELDS } from '../expressions/evaluate';
import { type PipelineGraph, type StageNode, type Step, type TaskNode } from '../graph/pipeline-graph';
import { orderStages } from '../graph/topological-order';
import { type ExpressionSite, type RawStage, type RawStep, type RawTask } from './raw-pipeline';
import { type ReadPipeline } from './read-pipeline';

const ROOTS = ['inputs', 'run', 'tasks', 'stages', 'env', 'secrets'];

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

function tasksOf(steps: RawStep[]): RawTask[] {
  return steps.flatMap((step) => (step.kind === 'task' ? [step.task] : step.lanes.flat()));
}

function allTasks(stage: RawStage): RawTask[] {
  return [...tasksOf(stage.sections.first), ...tasksOf(stage.sections.main), ...tasksOf(stage.sections.last)];
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
  const stages = new Map<string, RawStage>();
  for (const stage of read.stages) {
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
  const ordered = [...stages.values()];

  // Needs: explicit, or the stage before in the file.
  const needs = new Map<string, { name: string; location: SourceLocation; implicit: boolean }[]>();
  ordered.forEach((stage, index) => {
    const previous = ordered[index - 1];
    if (stage.needs === undefined) {
      needs.set(
        stage.name,
        previous === undefined ? [] : [{ name: previous.name, location: stage.nameLocation, implicit: true }],
      );
      return;
    }
    const resolved: { name: string; location: SourceLocation; implicit: boolean }[] = [];
    for (const need of stage.needs) {
      if (!stages.has(need.name)) {
        errors.add(
          need.location,
          'unknown-need',
          `stage "${stage.name}" needs unknown stage "${need.name}"${suggestion(
            need.name,
            [...stages.keys()].filter((n) => n !== stage.name),
            'stages are',
          )}`,
        );
        continue;
      }
      if (!resolved.some((r) => r.name === need.name)) resolved.push({ ...need, implicit: false });
    }
    needs.set(stage.name, resolved);
  });

  const cyclic = reportCycles(ordered, needs, errors);
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (name: string, visiting: Set<string> = new Set()): Set<string> => {
    const known = ancestors.get(name);
    if (known !== undefined) return known;
    const out = new Set<string>();
    visiting.add(name);
    for (const need of needs.get(name) ?? []) {
      out.add(need.name);
      if (!visiting.has(need.name)) for (const a of ancestorsOf(need.name, visiting)) out.add(a);
    }
    visiting.delete(name);
    ancestors.set(name, out);
    return out;
  };

  // Expressions, in the scope of their task.
  for (const stage of ordered) {
    const stageAncestors = ancestorsOf(stage.name);
    const before = new Set<string>();
    for (const section of ['first', 'main', 'last'] as const) {
      for (const step of stage.sections[section]) {
        if (step.kind === 'task') {
          checkTask({ stage, task: step.task, before, beside: new Set(), ancestors: stageAncestors });
          before.add(step.task.name);
          continue;
        }
        const all = step.lanes.flat().map((t) => t.name);
        for (const lane of step.lanes) {
          const laneBefore = new Set(before);
          const laneNames = new Set(lane.map((t) => t.name));
          const beside = new Set(all.filter((n) => !laneNames.has(n)));
          for (const task of lane) {
            checkTask({ stage, task, before: laneBefore, beside, ancestors: stageAncestors });
            laneBefore.add(task.name);
          }
        }
        for (const name of all) before.add(name);
      }
    }
  }

  function checkTask(scope: TaskScope): void {
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
      for (const reference of analysis.references) checkReference(reference, scope, site, at);
    }
  }

  function checkReference(
    reference: Reference,
    scope: TaskScope,
    _site: ExpressionSite,
    at: (pos: number) => SourceLocation,
  ): void {
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
        if (!(name.name in read.inputs) && !readDeclares(name.name)) return fail(name, unknownInputMessage(name.name));
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
          return fail(
            field,
            `unknown field "${field.name}" of ${prefix}${suggestion(field.name, ['tasks', 'outcome'])}`,
          );
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

  function readDeclares(name: string): boolean {
    return read.declaredInputs.has(name);
  }

  if (cyclic || errors.count > errorsBefore) return undefined;

  const toTask = (stage: string, task: RawTask): TaskNode => {
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
  };
  const toSteps = (stage: string, steps: RawStep[]): Step[] =>
    steps.map((step) =>
      step.kind === 'task'
        ? { kind: 'task', task: toTask(stage, step.task) }
        : { kind: 'parallel', lanes: step.lanes.map((lane) => lane.map((task) => toTask(stage, task))) },
    );
  const nodes: StageNode[] = ordered.map((stage) => {
    return {
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
    };
  });
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

/** Reports every cycle of `needs` once, as a path, at the first stage of the cycle in file order. */
function reportCycles(
  ordered: RawStage[],
  needs: ReadonlyMap<string, { name: string; location: SourceLocation; implicit: boolean }[]>,
  errors: ErrorCollector,
): boolean {
  const index = new Map(ordered.map((stage, i) => [stage.name, i]));
  // Tarjan's strongly connected components.
  let counter = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (name: string): void => {
    order.set(name, counter);
    low.set(name, counter);
    counter++;
    stack.push(name);
    onStack.add(name);
    for (const need of needs.get(name) ?? []) {
      if (!order.has(need.name)) {
        connect(need.name);
        low.set(name, Math.min(low.get(name) ?? 0, low.get(need.name) ?? 0));
      } else if (onStack.has(need.name)) {
        low.set(name, Math.min(low.get(name) ?? 0, order.get(need.name) ?? 0));
      }
    }
    if (low.get(name) === order.get(name)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === name) break;
      }
      components.push(component);
    }
  };
  for (const stage of ordered) if (!order.has(stage.name)) connect(stage.name);

  let found = false;
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0))[0];
    if (start === undefined) continue;
    const selfLoop = (needs.get(start) ?? []).some((n) => n.name === start);
    if (component.length === 1 && !selfLoop) continue;
    found = true;
    // A path from start back to start inside the component (breadth first: the shortest).
    const previous = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    while (queue.length > 0 && closing === undefined) {
      const current = queue.shift() as string;
      for (const need of needs.get(current) ?? []) {
        if (!members.has(need.name)) continue;
        if (need.name === start) {
          closing = current;
          break;
        }
        if (!previous.has(need.name)) {
          previous.set(need.name, current);
          queue.push(need.name);
        }
      }
    }
    const path = [start];
    for (let at = closing; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
    path.push(start);
    const implicitNotes: string[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      const from = path[i] as string;
      const to = path[i + 1] as string;
      const edge = (needs.get(from) ?? []).find((n) => n.name === to);
      if (edge?.implicit) implicitNotes.push(`"${from}" has no "needs", so it needs the stage before it, "${to}"`);
    }
    const first = (needs.get(start) ?? []).find((n) => n.name === path[1]);
    const note = implicitNotes.length > 0 ? ` (${implicitNotes.join('; ')})` : '';
    const message =
      path.length === 2
        ? `stage "${start}" needs itself`
        : `needs cycle: ${path.join(' -> ')}; a stage cannot (indirectly) need itself${note}`;
    errors.add(
      first?.location ?? ordered[index.get(start) ?? 0]?.nameLocation ?? { file: '', line: 0, column: 0 },
      'needs-cycle',
      message,
    );
  }
  return found;
}
