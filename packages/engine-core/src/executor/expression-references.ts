import {
  type ExpressionContext,
  findTemplates,
  type JsonValue,
  parseExpression,
  type TaskNode,
} from '@pipewright/pipeline-spec';

type Expr = ReturnType<typeof parseExpression>;

/** A result an expression reads: a task's (`stage.task`) outcome/outputs, or a stage's outcome. */
export interface ResultReference {
  stage: string;
  task?: string;
}

function chain(node: Expr): string[] | undefined {
  if (node.type === 'identifier') return [node.name];
  if (node.type === 'member') {
    const head = chain(node.object);
    return head && [...head, node.property];
  }
  return undefined;
}

function visit(node: Expr, found: string[][]): void {
  switch (node.type) {
    case 'identifier':
    case 'member': {
      const path = chain(node);
      if (path) found.push(path);
      if (node.type === 'member') visit(node.object, found);
      return;
    }
    case 'index':
      visit(node.object, found);
      visit(node.index, found);
      return;
    case 'call':
      for (const arg of node.args) visit(arg, found);
      return;
    case 'not':
      visit(node.operand, found);
      return;
    case 'binary':
      visit(node.left, found);
      visit(node.right, found);
      return;
    case 'literal':
      return;
  }
}

function templateSources(value: JsonValue, out: string[]): void {
  if (typeof value === 'string') {
    for (const part of findTemplates(value)) out.push(part.source);
  } else if (Array.isArray(value)) {
    for (const item of value) templateSources(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) templateSources(item, out);
  }
}

/** Every earlier result a task's `if`, `with` and `env` read. */
export function resultReferences(task: TaskNode): ResultReference[] {
  const sources: string[] = [];
  if (task.if !== undefined) {
    const templates = findTemplates(task.if);
    sources.push(...(templates.length > 0 ? templates.map((t) => t.source) : [task.if]));
  }
  templateSources(task.with, sources);
  templateSources(task.env, sources);
  const paths: string[][] = [];
  for (const source of sources) {
    try {
      visit(parseExpression(source), paths);
    } catch {
      // validated at load time; a malformed one fails when it is evaluated
    }
  }
  const seen = new Set<string>();
  const references: ResultReference[] = [];
  const add = (reference: ResultReference) => {
    const key = `${reference.stage}.${reference.task ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    references.push(reference);
  };
  for (const path of paths) {
    const [root, a, b, c] = path;
    if (root === 'tasks' && a !== undefined && b !== undefined) add({ stage: task.stage, task: a });
    else if (root === 'stages' && a !== undefined && b === 'tasks' && c !== undefined) add({ stage: a, task: c });
    else if (root === 'stages' && a !== undefined && b === 'outcome') add({ stage: a });
  }
  return references;
}

/** Whether the context has the referenced result. */
export function hasResult(context: ExpressionContext, reference: ResultReference): boolean {
  const stage = context.stages?.[reference.stage];
  if (reference.task === undefined) return stage?.outcome !== undefined;
  return stage?.tasks?.[reference.task]?.outcome !== undefined;
}
