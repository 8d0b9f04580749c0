import * as path from 'node:path';
import { isMap, isSeq } from 'yaml';
import { KEYS } from '../document.schema';
import { type RawStep, type RawTask } from '../raw-pipeline';
import { type SourceFile } from '../source-file';
import { type IncludeScope, insideFragment, readInclude } from './include';
import { type Located, type ReadContext } from './read-context';
import { readTask } from './task';

/** The stage being read, and where its includes may reach. */
export interface StageScope extends IncludeScope {
  name: string;
}

/** One section (`first`, `main`/`tasks`, `last`) of a stage: tasks, parallel steps and includes, in order. */
export function readSection(
  context: ReadContext,
  file: SourceFile,
  entry: Located,
  stage: StageScope,
  what: string,
): RawStep[] {
  const steps: RawStep[] = [];
  readSteps(context, file, entry, stage, what, steps, false);
  return steps;
}

/** Appends the steps of a list to `out`; inside a lane (`inLane`) a parallel step is an error. */
function readSteps(
  context: ReadContext,
  file: SourceFile,
  entry: Located,
  stage: StageScope,
  what: string,
  out: RawStep[],
  inLane: boolean,
): void {
  const items = file.items(entry.value, what, entry.location, 'a list of tasks');
  if (items === undefined) return;
  for (const item of items) {
    const node = item.value;
    if (isMap(node) && node.has('include')) {
      spliceInclude(context, file, item, stage, out, inLane);
      continue;
    }
    if (isMap(node) && node.has('parallel')) {
      if (inLane) {
        file.error(
          item.location,
          'invalid-value',
          `a lane runs its tasks in order; a parallel step cannot be nested inside a lane (in stage "${stage.name}")`,
        );
        continue;
      }
      const lanes = readParallel(context, file, item, stage);
      if (lanes !== undefined) out.push({ kind: 'parallel', lanes });
      continue;
    }
    if (!isMap(node)) {
      file.error(
        item.location,
        'invalid-type',
        `each item of ${what} must be a task (a map with "name" and "run" or "uses"), a "parallel" step or an "include"; found ${file.describe(node)}`,
      );
      continue;
    }
    const task = readTask(context, file, item, stage.name);
    if (task !== undefined) out.push({ kind: 'task', task });
  }
}

/** Reads the tasks of the fragment an `include:` item names into `out`, as if written in its place. */
function spliceInclude(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  stage: StageScope,
  out: RawStep[],
  inLane: boolean,
): void {
  const fragment = readInclude(context, file, item, stage, 'tasks');
  if (fragment === undefined) return;
  const what = `"tasks" of ${path.basename(fragment.file.file)}`;
  readSteps(context, fragment.file, fragment.entry, insideFragment(stage, fragment), what, out, inLane);
}

function readParallel(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  stage: StageScope,
): RawTask[][] | undefined {
  const what = `the parallel step in stage "${stage.name}"`;
  const fields = file.fields(item.value, what, KEYS.parallel, what, item.location);
  const entry = fields?.get('parallel');
  if (entry === undefined) return undefined;
  const lanes = file.items(
    entry.value,
    `"parallel" in stage "${stage.name}"`,
    entry.location,
    'a list of lanes (each a task or a list of tasks)',
  );
  if (lanes === undefined) return undefined;
  if (lanes.length === 0) {
    file.error(
      entry.location,
      'invalid-value',
      `"parallel" in stage "${stage.name}" has no lanes; expected at least one`,
    );
    return undefined;
  }
  const out: RawTask[][] = [];
  lanes.forEach((lane, index) => {
    const tasks = readLane(context, file, lane, index, stage);
    if (tasks.length > 0) out.push(tasks);
  });
  return out.length > 0 ? out : undefined;
}

/** A lane is a list of tasks, or one task (or include) standing for a list of one. */
function readLane(context: ReadContext, file: SourceFile, lane: Located, index: number, stage: StageScope): RawTask[] {
  const steps: RawStep[] = [];
  const what = `lane ${index + 1} of the parallel step in stage "${stage.name}"`;
  if (isSeq(lane.value)) {
    readSteps(context, file, lane, stage, what, steps, true);
    if (lane.value.items.length === 0)
      file.error(lane.location, 'invalid-value', `${what} is empty; expected at least one task`);
  } else if (isMap(lane.value) && lane.value.has('include')) {
    spliceInclude(context, file, lane, stage, steps, true);
  } else if (isMap(lane.value)) {
    const task = readTask(context, file, lane, stage.name);
    if (task !== undefined) steps.push({ kind: 'task', task });
  } else {
    file.error(
      lane.location,
      'invalid-type',
      `each lane of the parallel step in stage "${stage.name}" must be a task or a list of tasks; found ${file.describe(lane.value)}`,
    );
  }
  return steps.flatMap((step) => (step.kind === 'task' ? [step.task] : []));
}
