import { type Expr, type Literal } from './ast';
import { parseExpression } from './parse-expression';
import { findTemplates } from './templates';

/** Outcome of a task or stage as expressions see it. */
export type Outcome = 'success' | 'failure' | 'cancel' | 'error' | 'skipped';
export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'cancel', 'error', 'skipped'];

export interface TaskResultContext {
  outcome?: Outcome;
  outputs?: Record<string, string>;
}

/** What expressions can see while a run executes. Absent parts evaluate to `null`. */
export interface ExpressionContext {
  /** Status of the run so far, for `success()`, `failure()`, `cancelled()`; default `success`. */
  status?: 'success' | 'failure' | 'cancelled';
  inputs?: Record<string, string | number | boolean>;
  run?: Partial<Record<RunField, string>>;
  /** Tasks of the current stage, by name. */
  tasks?: Record<string, TaskResultContext>;
  stages?: Record<string, { outcome?: Outcome; tasks?: Record<string, TaskResultContext> }>;
  env?: Record<string, string | undefined>;
  secrets?: Record<string, string>;
}

export const RUN_FIELDS = ['id', 'version', 'revision', 'component', 'team', 'solution'] as const;
export type RunField = (typeof RUN_FIELDS)[number];

type Value = unknown;

function isRecord(value: Value): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Own properties only: an expression never reaches `__proto__`, `constructor` and the like. */
function property(object: Value, key: string): Value {
  if (!isRecord(object) || !Object.prototype.hasOwnProperty.call(object, key)) return null;
  return object[key] ?? null;
}

function truthy(value: Value): boolean {
  return !(
    value === false ||
    value === null ||
    value === undefined ||
    value === 0 ||
    value === '' ||
    Number.isNaN(value)
  );
}

function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/** `==`: same type compares directly; a string compared with a number or boolean is converted first. */
function looselyEqual(a: Value, b: Value): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return toText(a) === toText(b);
  if (typeof a === 'number' || typeof b === 'number') return toNumber(a) === toNumber(b);
  return false;
}

function compare(op: '<' | '<=' | '>' | '>=', a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
    }
  }
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

function callFunction(name: string, args: Value[], context: ExpressionContext): Value {
  const status = context.status ?? 'success';
  const [a, b] = args;
  switch (name) {
    case 'always':
      return true;
    case 'success':
      return status === 'success';
    case 'failure':
      return status === 'failure';
    case 'cancelled':
      return status === 'cancelled';
    case 'contains':
      if (Array.isArray(a)) return a.some((item) => looselyEqual(item, b));
      return typeof a === 'string' && a.includes(toText(b));
    case 'startsWith':
      return typeof a === 'string' && a.startsWith(toText(b));
    case 'endsWith':
      return typeof a === 'string' && a.endsWith(toText(b));
    default:
      throw new Error(`unknown function ${name}()`);
  }
}

function evaluateNode(node: Expr, context: ExpressionContext): Value {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'identifier':
      return property(context, node.name);
    case 'member':
      return property(evaluateNode(node.object, context), node.property);
    case 'index': {
      const key = evaluateNode(node.index, context);
      return typeof key === 'string' || typeof key === 'number'
        ? property(evaluateNode(node.object, context), String(key))
        : null;
    }
    case 'call':
      return callFunction(
        node.name,
        node.args.map((arg) => evaluateNode(arg, context)),
        context,
      );
    case 'not':
      return !truthy(evaluateNode(node.operand, context));
    case 'binary': {
      switch (node.op) {
        case '&&': {
          const left = evaluateNode(node.left, context);
          return truthy(left) ? evaluateNode(node.right, context) : left;
        }
        case '||': {
          const left = evaluateNode(node.left, context);
          return truthy(left) ? left : evaluateNode(node.right, context);
        }
        case '==':
          return looselyEqual(evaluateNode(node.left, context), evaluateNode(node.right, context));
        case '!=':
          return !looselyEqual(evaluateNode(node.left, context), evaluateNode(node.right, context));
        case '<':
        case '<=':
        case '>':
        case '>=':
          return compare(node.op, evaluateNode(node.left, context), evaluateNode(node.right, context));
      }
    }
  }
}

const parsed = new Map<string, Expr>();
const MAX_CACHED = 1000;

function parseCached(source: string): Expr {
  let ast = parsed.get(source);
  if (ast === undefined) {
    ast = parseExpression(source);
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(source, ast);
  }
  return ast;
}

function unwrap(expression: string): string {
  const trimmed = expression.trim();
  if (trimmed.startsWith('${{') && trimmed.endsWith('}}')) {
    const parts = findTemplates(trimmed);
    if (parts.length === 1 && parts[0]?.start === 0 && parts[0].end === trimmed.length) return parts[0].source;
  }
  return trimmed;
}

/**
 * Evaluates one expression (`a == 'b'` or `${{ a == 'b' }}`) against a context, without `eval`:
 * literals, property access, `== != < <= > >= && || !`, parentheses and the functions
 * `always() success() failure() cancelled() contains() startsWith() endsWith()`.
 * Missing values are `null`. Throws `ExpressionSyntaxError` for a malformed expression.
 */
export function evaluate(expression: string, context: ExpressionContext): JsonLike {
  return toJsonLike(evaluateNode(parseCached(unwrap(expression)), context));
}

/** Whether a condition holds: {@link evaluate} then truthiness (false, 0, '', null are false). */
export function evaluateCondition(expression: string, context: ExpressionContext): boolean {
  return truthy(evaluateNode(parseCached(unwrap(expression)), context));
}

export type JsonLike = Literal | JsonLike[] | { [key: string]: JsonLike };

function toJsonLike(value: Value): JsonLike {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJsonLike);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonLike(v)]));
  return null;
}

/** How a value appears inside a string: null is empty, objects are JSON. */
export function toText(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Replaces every `${{ … }}` in a string by its value as text. */
export function interpolate(template: string, context: ExpressionContext): string {
  const parts = findTemplates(template);
  if (parts.length === 0) return template;
  let out = '';
  let from = 0;
  for (const part of parts) {
    out += template.slice(from, part.start) + toText(evaluateNode(parseCached(part.source), context));
    from = part.end;
  }
  return out + template.slice(from);
}

/**
 * Resolves templates inside a JSON value (a task's `with`): a string that is exactly one `${{ … }}`
 * takes the expression's value with its type; other strings are interpolated; arrays and maps recursively.
 */
export function interpolateValue(value: JsonLike, context: ExpressionContext): JsonLike {
  if (typeof value === 'string') {
    const parts = findTemplates(value);
    const only = parts[0];
    if (parts.length === 1 && only !== undefined && only.start === 0 && only.end === value.length)
      return toJsonLike(evaluateNode(parseCached(only.source), context));
    return parts.length === 0 ? value : interpolate(value, context);
  }
  if (Array.isArray(value)) return value.map((item) => interpolateValue(item, context));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValue(v, context)]));
  return value;
}
