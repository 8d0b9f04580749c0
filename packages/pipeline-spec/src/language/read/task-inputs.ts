import { isMap, isScalar, isSeq } from 'yaml';
import { type SourceLocation } from '../../errors/spec-error';
import { suggestion } from '../../errors/suggest';
import { hasTemplate } from '../../expressions/templates';
import { type JsonValue } from '../../graph/pipeline-graph';
import { type TaskInputSpec, type TaskTypeSpec } from '../../task-types/task-types';
import { type ExpressionSite } from '../raw-pipeline';
import { type Entry, lowerFirst, type SourceFile, truncate } from '../source-file';
import { templateSites } from './expression-sites';

/** What `uses` (or `run`) makes of a task. */
export interface TaskKind {
  type: string;
  spec: TaskTypeSpec;
  /** The command of the `run:` shorthand; `with.run` may then not be given too. */
  run?: string;
}

/**
 * A task's `with`: each input checked against its task type, then the type's defaults; a required
 * input that is missing is reported unless a typo of it was reported already.
 */
export function readWith(
  file: SourceFile,
  entry: Entry | undefined,
  kind: TaskKind,
  where: string,
  taskLocation: SourceLocation,
  expressions: ExpressionSite[],
): Record<string, JsonValue> {
  const { type, spec } = kind;
  const runShorthand = kind.run !== undefined;
  const names = Object.keys(spec.inputs);
  const out: Record<string, JsonValue> = {};
  if (entry !== undefined) {
    const given = file.entries(
      entry.value,
      `"with" of ${where}`,
      names,
      `"with" of ${where}`,
      entry.location,
      (key) => ({
        code: 'unknown-task-input',
        message: `unknown input "${key}" for task type "${type}" in ${where}${suggestion(key, names, 'its inputs are')}`,
      }),
    );
    for (const input of given ?? []) {
      const inputSpec = spec.inputs[input.key];
      if (inputSpec === undefined) continue;
      if (runShorthand && input.key === 'run') {
        file.error(input.keyLocation, 'conflicting-keys', `${where} has "run" and "with.run"; give the command once`);
        continue;
      }
      if (checkInputType(file, input, inputSpec, `input "${input.key}" of ${where}`)) {
        out[input.key] = file.toJson(input.value) as JsonValue;
        expressions.push(...templateSites(file, input.value, input.location));
      }
    }
  }
  for (const [key, inputSpec] of Object.entries(spec.inputs)) {
    if (out[key] !== undefined || (runShorthand && key === 'run')) continue;
    if (inputSpec.default !== undefined) out[key] = inputSpec.default;
    else if (
      inputSpec.required === true &&
      !(entry && isMap(entry.value) && entry.value.has(key)) &&
      !(entry && file.hasTypoOf(entry.value, key, names))
    )
      file.error(
        entry?.location ?? taskLocation,
        'missing-task-input',
        `${where} is missing input "${key}" of task type "${type}" (${lowerFirst(inputSpec.description.replace(/\.$/, ''))})`,
      );
  }
  return out;
}

/** A value `${{ … }}` stands for is only known while running, so a template passes any type check here. */
function checkInputType(file: SourceFile, entry: Entry, spec: TaskInputSpec, what: string): boolean {
  const node = entry.value;
  const value: unknown = isScalar(node) ? node.value : undefined;
  const isTemplate = typeof value === 'string' && hasTemplate(value);
  const fail = (expected: string) => {
    const quote =
      spec.type === 'string' && isScalar(node) && (typeof value === 'number' || typeof value === 'boolean')
        ? ` (write "${node.source ?? String(value)}" in quotes)`
        : '';
    file.error(entry.location, 'invalid-type', `${what} must be ${expected}; found ${file.describe(node)}${quote}`);
    return false;
  };
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return fail('a string');
      if (spec.enum !== undefined && !isTemplate && !spec.enum.includes(value)) {
        file.error(
          entry.location,
          'invalid-value',
          `${what} must be one of ${spec.enum.join(', ')}; found "${truncate(value)}"${suggestion(value, spec.enum, 'expected one of').replace(/; expected one of.*$/, '')}`,
        );
        return false;
      }
      return true;
    case 'number':
      return typeof value === 'number' || isTemplate || fail('a number');
    case 'boolean':
      return typeof value === 'boolean' || isTemplate || fail('true or false');
    case 'string-list':
      if (isTemplate) return true;
      if (
        !isSeq(node) ||
        !node.items.every((i) => {
          const r = file.resolve(i);
          return isScalar(r) && typeof r.value === 'string';
        })
      )
        return fail('a list of strings');
      return true;
    case 'string-map':
      if (isTemplate) return true;
      if (
        !isMap(node) ||
        !node.items.every((p) => {
          const r = file.resolve(p.value);
          return isScalar(r) && typeof r.value === 'string';
        })
      )
        return fail('a map of strings');
      return true;
    case 'any':
      return true;
  }
}
