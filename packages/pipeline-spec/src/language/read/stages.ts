import { isMap, isScalar, isSeq } from 'yaml';
import { type SourceLocation } from '../../errors/spec-error';
import { type SectionName } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type RawNeed, type RawStage } from '../raw-pipeline';
import { type Entry, type SourceFile } from '../source-file';
import { readApproval } from './approval';
import { readEnvironment } from './environment';
import { type IncludeScope, insideFragment, readInclude } from './include';
import { type Located, type ReadContext } from './read-context';
import { checkName, readName } from './scalars';
import { readSection, type StageScope } from './sections';

/** `pipeline:` (inline, or a flavour's): its name and stages. `root` is the folder includes must stay in. */
export function readPipelineBody(
  context: ReadContext,
  file: SourceFile,
  entry: Entry,
  root: string,
): { name?: string; stages: RawStage[] } | undefined {
  const fields = file.fields(entry.value, 'the pipeline', KEYS.pipeline, '"pipeline"', entry.location);
  if (fields === undefined) return undefined;
  const nameEntry = fields.get('name');
  const name = nameEntry && readName(file, nameEntry, 'pipeline name');
  const stagesEntry = fields.get('stages');
  if (stagesEntry === undefined) {
    file.missing(
      entry.value,
      'stages',
      KEYS.pipeline,
      entry.location,
      'missing key "stages" in the pipeline; expected a list of stages (or a map of stage name to stage)',
    );
    return undefined;
  }
  const stages: RawStage[] = [];
  readStages(context, file, stagesEntry, { includeStack: [file.file], root }, stages);
  if (stages.length === 0 && isSeq(stagesEntry.value) && stagesEntry.value.items.length === 0)
    file.error(stagesEntry.location, 'invalid-value', 'the pipeline has no stages; expected at least one');
  return name === undefined ? { stages } : { name, stages };
}

/** A list of stages (items may be includes), or a map of stage name to stage body; appends to `out`. */
function readStages(
  context: ReadContext,
  file: SourceFile,
  entry: Located,
  scope: IncludeScope,
  out: RawStage[],
): void {
  const node = entry.value;
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      const nameLocation = file.locationOf(keyNode);
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        file.error(
          nameLocation,
          'invalid-type',
          `stage names must be plain words; found ${file.describe(file.resolve(keyNode))}`,
        );
        continue;
      }
      const name = checkName(file, String(keyNode.value), nameLocation, 'stage name');
      const value = file.resolve(pair.value);
      const stage = readStage(
        context,
        file,
        { value, location: file.locationOf(value, nameLocation) },
        { ...scope, name: name ?? String(keyNode.value) },
        name === undefined ? undefined : { name, location: nameLocation },
      );
      if (stage !== undefined && name !== undefined) out.push(stage);
    }
    return;
  }
  const items = file.items(node, '"stages"', entry.location, 'a list of stages (or a map of stage name to stage)');
  if (items === undefined) return;
  items.forEach((item, index) => {
    if (isMap(item.value) && item.value.has('include')) {
      const fragment = readInclude(context, file, item, scope, 'stages');
      if (fragment !== undefined)
        readStages(context, fragment.file, fragment.entry, insideFragment(scope, fragment), out);
      return;
    }
    const stage = readStage(context, file, item, { ...scope, name: `#${index + 1}` });
    if (stage !== undefined) out.push(stage);
  });
}

/**
 * One stage. In a list it carries its `name`; in a map the key is the name (`keyName`). Undefined
 * when the stage has no valid name, after reading the rest of it for errors.
 */
function readStage(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  scope: StageScope,
  keyName?: { name: string; location: SourceLocation },
): RawStage | undefined {
  const inList = keyName === undefined;
  const where = `stage "${scope.name}"`;
  const fields = file.fields(
    item.value,
    where,
    inList ? KEYS.stage : KEYS.stageBody,
    inList ? `stage ${scope.name}` : where,
    item.location,
  );
  if (fields === undefined) return undefined;
  let name = keyName?.name;
  let nameLocation = keyName?.location ?? item.location;
  if (inList) {
    const nameEntry = fields.get('name');
    if (nameEntry === undefined) {
      file.missing(
        item.value,
        'name',
        KEYS.stage,
        item.location,
        `missing key "name" in stage ${scope.name}; expected the stage's name`,
      );
    } else {
      name = readName(file, nameEntry, 'stage name');
      nameLocation = nameEntry.location;
    }
  }
  const stageScope: StageScope = { ...scope, name: name ?? scope.name };
  const stageWhere = `stage "${stageScope.name}"`;

  const stage: RawStage = {
    name: stageScope.name,
    location: item.location,
    nameLocation,
    sections: { first: [], main: [], last: [] },
  };
  const needs = fields.get('needs');
  if (needs !== undefined) stage.needs = readNeeds(file, needs, stageWhere);
  const environment = fields.get('environment');
  if (environment !== undefined) {
    const value = readEnvironment(context, file, environment, stageWhere);
    if (value !== undefined) stage.environment = value;
  }
  const approval = fields.get('approval');
  if (approval !== undefined) {
    const value = readApproval(context, file, approval, stageWhere);
    if (value !== undefined) stage.approval = value;
  }
  const tasks = fields.get('tasks');
  const main = fields.get('main');
  if (tasks !== undefined && main !== undefined)
    file.error(
      tasks.keyLocation,
      'conflicting-keys',
      `${stageWhere} has both "tasks" and "main"; "tasks" is shorthand for "main", use one`,
    );
  const sections: [SectionName, Entry | undefined][] = [
    ['first', fields.get('first')],
    ['main', main ?? tasks],
    ['last', fields.get('last')],
  ];
  for (const [section, entry] of sections) {
    if (entry !== undefined)
      stage.sections[section] = readSection(context, file, entry, stageScope, `"${entry.key}" of ${stageWhere}`);
  }
  // A stage with only an approval is a gate: it has nothing to run.
  if (sections.every(([, entry]) => entry === undefined) && approval === undefined)
    file.error(
      item.location,
      'missing-key',
      `${stageWhere} has no tasks; expected "tasks" (or "first", "main", "last")`,
    );
  return name === undefined ? undefined : stage;
}

/** `needs`: one stage name or a list; whether they exist is checked once every stage is read. */
function readNeeds(file: SourceFile, entry: Entry, where: string): RawNeed[] {
  const node = entry.value;
  const expected = 'a stage name or a list of stage names';
  const one = (item: Located): RawNeed | undefined => {
    if (!isScalar(item.value) || typeof item.value.value !== 'string' || item.value.value === '') {
      file.error(
        item.location,
        'invalid-type',
        `"needs" of ${where} must be ${expected}; found ${file.describe(item.value)}`,
      );
      return undefined;
    }
    return { name: item.value.value, location: item.location };
  };
  if (isScalar(node) && node.value !== null) {
    const need = one(entry);
    return need ? [need] : [];
  }
  const items = file.items(node, `"needs" of ${where}`, entry.location, expected);
  return (items ?? []).map(one).filter((need): need is RawNeed => need !== undefined);
}
