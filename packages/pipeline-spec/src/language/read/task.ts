import { isMap, isScalar } from 'yaml';
import { suggestion } from '../../errors/suggest';
import { type JsonValue } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type ExpressionSite, type RawTask } from '../raw-pipeline';
import { type Entry, type SourceFile, truncate } from '../source-file';
import { readEnvMap } from './env-map';
import { readCondition, templateSites } from './expression-sites';
import { readOutputs } from './outputs';
import { type Located, type ReadContext } from './read-context';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './limits';
import { readRetry } from './retry';
import { readDuration, readName, STEP_NAME, STEP_NAME_RULE } from './scalars';
import { staticText } from './static-text';
import { readWith, type TaskKind } from './task-inputs';

/** One task: its type (`uses`, or `run` for shell) with inputs, and every optional key, defaults applied. */
export function readTask(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  stageName: string,
): RawTask | undefined {
  const anonymous = `a task in stage "${stageName}"`;
  const nameNode = isMap(item.value) ? file.resolve(item.value.get('name', true)) : null;
  const label = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : undefined;
  const where = label !== undefined ? `task "${label}" in stage "${stageName}"` : anonymous;
  const fields = file.fields(item.value, where, KEYS.task, where, item.location);
  if (fields === undefined) return undefined;

  const nameEntry = fields.get('name');
  let name: string | undefined;
  if (nameEntry === undefined)
    file.missing(
      item.value,
      'name',
      KEYS.task,
      item.location,
      `missing key "name" in ${anonymous}; expected the task's name`,
    );
  else name = readName(file, nameEntry, 'task name');

  const expressions: ExpressionSite[] = [];
  const kind = readTaskType(context, file, item, fields, where, expressions);
  let withValue: Record<string, JsonValue> = kind?.run === undefined ? {} : { run: kind.run };
  if (kind !== undefined) {
    const given = readWith(file, fields.get('with'), kind, where, item.location, expressions);
    withValue = { ...withValue, ...given };
  }
  const env = readEnvMap(context, file, fields.get('env'), where, 'runtime', expressions);
  const timeoutEntry = fields.get('timeout');
  const timeoutMs =
    (timeoutEntry && readDuration(file, timeoutEntry, `"timeout" of ${where}`, MAX_TIMEOUT_MS)) ?? DEFAULT_TIMEOUT_MS;
  const retryEntry = fields.get('retry');
  const retry = retryEntry === undefined ? { ...DEFAULT_RETRY } : readRetry(file, retryEntry, where);
  const ifEntry = fields.get('if');
  const condition = ifEntry && readCondition(file, ifEntry, where, expressions);
  const poolEntry = fields.get('pool');
  const pool = poolEntry && staticText(context, file, poolEntry, `"pool" of ${where}`);
  if (pool !== undefined && poolEntry !== undefined && !STEP_NAME.test(pool))
    file.error(poolEntry.location, 'invalid-name', `pool name "${truncate(pool)}" is not valid: ${STEP_NAME_RULE}`);
  const idempotentEntry = fields.get('idempotent');
  const idempotent = (idempotentEntry && file.boolean(idempotentEntry, `"idempotent" of ${where}`)) ?? false;
  const outputsEntry = fields.get('outputs');
  const outputs = outputsEntry === undefined ? [] : readOutputs(file, outputsEntry, where);

  if (name === undefined || kind === undefined) return undefined;
  const task: RawTask = {
    name,
    location: item.location,
    nameLocation: nameEntry?.location ?? item.location,
    uses: kind.type,
    with: withValue,
    env,
    timeoutMs,
    retry,
    idempotent,
    outputs,
    expressions,
  };
  if (condition !== undefined) task.if = condition;
  if (pool !== undefined) task.pool = pool;
  return task;
}

/** What `uses` (or `run`) makes of a task: its type, or undefined after reporting why not. */
function readTaskType(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  fields: ReadonlyMap<string, Entry>,
  where: string,
  expressions: ExpressionSite[],
): TaskKind | undefined {
  const uses = fields.get('uses');
  const run = fields.get('run');
  if (uses !== undefined && run !== undefined) {
    file.error(
      run.keyLocation,
      'conflicting-keys',
      `${where} has both "run" and "uses"; "run" is shorthand for "uses: shell"`,
    );
    return undefined;
  }
  if (uses !== undefined) {
    const text = file.string(uses, `"uses" of ${where}`, 'a task type');
    if (text === undefined) return undefined;
    const spec = context.taskTypes[text];
    if (spec !== undefined) return { type: text, spec };
    file.error(
      uses.location,
      'unknown-task-type',
      `unknown task type "${text}" in ${where}${suggestion(text, Object.keys(context.taskTypes), 'known task types')}`,
    );
    return undefined;
  }
  if (run !== undefined) {
    const spec = context.taskTypes.shell;
    const command = file.string(run, `"run" of ${where}`, 'a shell command');
    if (spec === undefined) {
      file.error(run.keyLocation, 'unknown-task-type', `"run" needs the shell task type, which is not available here`);
      return undefined;
    }
    if (command === undefined) return undefined;
    expressions.push(...templateSites(file, run.value, run.location));
    return { type: 'shell', spec, run: command };
  }
  if (!file.hasTypoOf(item.value, 'run', KEYS.task) && !file.hasTypoOf(item.value, 'uses', KEYS.task))
    file.error(item.location, 'missing-key', `${where} needs "run" (a shell command) or "uses" (a task type)`);
  return undefined;
}
