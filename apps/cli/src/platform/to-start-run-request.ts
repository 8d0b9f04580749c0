import {
  startRunRequestSchema,
  type InlineStage,
  type ShellTask,
  type StartRunRequest,
  type StageEnvironment as RequestEnvironment,
} from '@pipewright/contracts';
import {
  findTemplates,
  interpolate,
  parseExpression,
  type ExpressionContext,
  type PipelineGraph,
  type StageNode,
  type TaskNode,
} from '@pipewright/pipeline-spec';

type Expr = ReturnType<typeof parseExpression>;

/** The pipeline uses something the engine's `POST /runs` body cannot carry yet; every reason is listed. */
export class InexpressiblePipelineError extends Error {
  readonly code = 'cli.inexpressible_pipeline';

  constructor(readonly reasons: readonly string[]) {
    super(`the engine service cannot run this pipeline yet:\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
    this.name = 'InexpressiblePipelineError';
  }
}

/** Fields of `run` known before the run exists, so templates over them can be resolved here. */
const STATIC_RUN_FIELDS = new Set(['component', 'team', 'solution']);

/** `a.b['c']` as written (an index that is not a literal shows as `[…]`). */
function pathOf(expr: Expr): string {
  switch (expr.type) {
    case 'identifier':
      return expr.name;
    case 'member':
      return `${pathOf(expr.object)}.${expr.property}`;
    case 'index':
      return `${pathOf(expr.object)}[…]`;
    case 'literal':
    case 'call':
    case 'not':
    case 'binary':
      return '…';
  }
}

function rootOf(expr: Expr): { name: string; field?: string } | undefined {
  if (expr.type === 'identifier') return { name: expr.name };
  if (expr.type === 'member' || expr.type === 'index') {
    if (expr.object.type === 'identifier')
      return { name: expr.object.name, ...(expr.type === 'member' ? { field: expr.property } : {}) };
    return rootOf(expr.object);
  }
  return undefined;
}

/** `inputs.x` and `run.component|team|solution` are fixed before the run; anything else needs the engine to evaluate it. */
function dynamicReferences(expr: Expr): string[] {
  switch (expr.type) {
    case 'literal':
      return [];
    case 'identifier':
    case 'member':
    case 'index': {
      const root = rootOf(expr);
      if (root?.name === 'inputs') return [];
      if (root?.name === 'run' && root.field !== undefined && STATIC_RUN_FIELDS.has(root.field)) return [];
      return [pathOf(expr)];
    }
    case 'call':
      return expr.args.flatMap(dynamicReferences);
    case 'not':
      return dynamicReferences(expr.operand);
    case 'binary':
      return [...dynamicReferences(expr.left), ...dynamicReferences(expr.right)];
  }
}

export interface ConversionContext {
  /** Absolute path of the checked-out repository on the engine's host. */
  workspace: string;
  revision?: string;
}

/**
 * Turns a resolved pipeline into the engine service's current `POST /runs` body: stages one after
 * the other, each with shell tasks and an optional ephemeral environment. Templates over inputs and
 * the component are resolved here. Anything else (approvals, lanes, first/last sections, conditions,
 * retries, outputs between tasks, long-lived environments, fan-out) makes it throw
 * {@link InexpressiblePipelineError} naming each place.
 */
export function toStartRunRequest(graph: PipelineGraph, context: ConversionContext): StartRunRequest {
  const reasons: string[] = [];
  const expressionContext: ExpressionContext = {
    inputs: graph.inputs,
    run: { component: graph.component, team: graph.team, solution: graph.solution },
  };
  const resolve = (text: string, where: string): string => {
    const dynamic = findTemplates(text).flatMap((part) => dynamicReferences(parseExpression(part.source)));
    if (dynamic.length > 0) {
      reasons.push(`${where} uses ${[...new Set(dynamic)].join(', ')}, known only while the run executes`);
      return text;
    }
    return interpolate(text, expressionContext);
  };

  const stages = graph.stages.map((stage, index): InlineStage => {
    const previous = graph.stages[index - 1];
    const expectedNeeds = previous ? [previous.name] : [];
    if (stage.needs.length !== expectedNeeds.length || stage.needs.some((n, i) => n !== expectedNeeds[i]))
      reasons.push(
        `stage "${stage.name}" needs [${stage.needs.join(', ')}]; the engine runs stages one after another, so each may only need the stage before it`,
      );
    if (stage.approval) reasons.push(`stage "${stage.name}" has an approval`);
    if (stage.sections.first.length > 0) reasons.push(`stage "${stage.name}" has a "first" section`);
    if (stage.sections.last.length > 0) reasons.push(`stage "${stage.name}" has a "last" section`);
    const tasks: ShellTask[] = [];
    for (const step of stage.sections.main) {
      if (step.kind === 'parallel') {
        reasons.push(`stage "${stage.name}" has parallel lanes`);
        for (const task of step.lanes.flat()) toShellTask(task, reasons, resolve);
        continue;
      }
      const task = toShellTask(step.task, reasons, resolve);
      if (task) tasks.push(task);
    }
    if (stage.sections.main.length === 0) reasons.push(`stage "${stage.name}" has no tasks`);
    const environment = toEnvironment(stage, reasons, resolve);
    return { name: stage.name, tasks, ...(environment ? { environment } : {}) };
  });
  if (reasons.length > 0) throw new InexpressiblePipelineError(reasons);

  const parsed = startRunRequestSchema.safeParse({
    component: graph.component,
    team: graph.team,
    solution: graph.solution,
    ...(context.revision ? { revision: context.revision } : {}),
    workspace: context.workspace,
    pipeline: { name: graph.name, stages },
  });
  if (!parsed.success)
    throw new InexpressiblePipelineError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`),
    );
  return parsed.data;
}

function toShellTask(
  task: TaskNode,
  reasons: string[],
  resolve: (text: string, where: string) => string,
): ShellTask | undefined {
  const where = `task "${task.id}"`;
  const before = reasons.length;
  if (task.uses !== 'shell') reasons.push(`${where} uses "${task.uses}"; the engine runs shell tasks only`);
  const shell = task.with.shell;
  if (shell !== undefined && shell !== 'sh') reasons.push(`${where} asks for shell ${JSON.stringify(shell)}`);
  if (task.if !== undefined) reasons.push(`${where} has a condition (if)`);
  if (task.retry.attempts > 1) reasons.push(`${where} retries`);
  if (task.outputs.length > 0) reasons.push(`${where} declares outputs`);
  if (task.pool !== undefined) reasons.push(`${where} asks for worker pool "${task.pool}"`);
  const run = task.with.run;
  if (typeof run !== 'string') {
    if (task.uses === 'shell') reasons.push(`${where} has no command`);
    return undefined;
  }
  const command = resolve(run, `${where} command`);
  const env = Object.fromEntries(
    Object.entries(task.env).map(([key, value]) => [key, resolve(value, `${where} env ${key}`)]),
  );
  if (reasons.length > before) return undefined;
  return { name: task.name, run: command, env, timeoutSeconds: Math.ceil(task.timeoutMs / 1000) };
}

function toEnvironment(
  stage: StageNode,
  reasons: string[],
  resolve: (text: string, where: string) => string,
): RequestEnvironment | undefined {
  const environment = stage.environment;
  if (environment === undefined) return undefined;
  if (environment.lifetime === 'long-lived') {
    reasons.push(`stage "${stage.name}" deploys to long-lived environment "${environment.name}"`);
    return undefined;
  }
  const { spec } = environment;
  const where = `stage "${stage.name}" environment`;
  return {
    name: environment.name,
    size: environment.size,
    command: resolve(spec.command, `${where} command`),
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    healthPath: spec.healthPath,
    readyTimeoutSeconds: spec.readyTimeoutSeconds,
    env: spec.env,
  };
}
