import * as path from 'node:path';
import { isScalar } from 'yaml';
import { type GraphSource, type PipelineGraph } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type RawStage } from '../raw-pipeline';
import { type Entry, type SourceFile } from '../source-file';
import { readFlavour } from './flavour';
import { declareInputs, giveInputs } from './inputs';
import { type InputDeclaration, type ReadContext } from './read-context';
import { OWNER_NAME, OWNER_NAME_RULE, readName } from './scalars';
import { readPipelineBody } from './stages';

/** What the reader makes of the files: the graph's top level as it will be, stages still raw. */
export interface ReadPipeline extends Pick<
  PipelineGraph,
  'component' | 'team' | 'solution' | 'name' | 'source' | 'inputs'
> {
  /** Also the inputs without a value, so a reference to one is not reported as unknown. */
  declaredInputs: ReadonlyMap<string, InputDeclaration>;
  stages: RawStage[];
}

/**
 * Reads pipewright.yml, the flavour it names and the fragments it includes into a {@link ReadPipeline},
 * reporting every mistake it finds on the way. Cross-stage checks (needs, references) come after, in
 * `resolveGraph`.
 */
export function readPipeline(context: ReadContext, file: string, text: string): ReadPipeline | undefined {
  const src = context.addFile(file, text);
  if (!src.valid) return undefined;
  const where = path.basename(file);
  const start = src.location(0);
  const root = src.root;
  if (root === null || (isScalar(root) && root.value === null)) {
    src.error(
      start,
      'missing-key',
      `${where} is empty; expected component, team, solution and a flavour or a pipeline`,
    );
    return undefined;
  }
  const fields = src.fields(root, where, KEYS.pipewrightFile, where, start);
  if (fields === undefined) return undefined;

  const owner = (key: 'component' | 'team' | 'solution', expected: string) => {
    const entry = fields.get(key);
    if (entry === undefined) {
      src.missing(root, key, KEYS.pipewrightFile, start, `missing key "${key}" in ${where}; expected ${expected}`);
      return undefined;
    }
    return readName(src, entry, `${key} name`, OWNER_NAME, OWNER_NAME_RULE);
  };
  const component = owner('component', 'the name of the component (service) this repository builds');
  const team = owner('team', 'the name of the team that owns the component');
  const solution = owner('solution', 'the name of the solution (product) the component belongs to');

  const source: GraphSource = { file };
  const body = pipelineSource(context, src, fields, source);
  const pipeline = body && readPipelineBody(context, body.file, body.entry, body.root);
  if (component === undefined || team === undefined || solution === undefined || pipeline === undefined)
    return undefined;
  return {
    component,
    team,
    solution,
    name: pipeline.name ?? component,
    source,
    inputs: context.inputValues,
    declaredInputs: context.declared,
    stages: pipeline.stages,
  };
}

/**
 * Where the pipeline is written: the flavour's file (whose inputs pipewright.yml fills in) or
 * pipewright.yml itself. Fills in the inputs, and `source.flavour` for a flavour.
 */
function pipelineSource(
  context: ReadContext,
  src: SourceFile,
  fields: ReadonlyMap<string, Entry>,
  source: GraphSource,
): { file: SourceFile; entry: Entry; root: string } | undefined {
  const where = path.basename(src.file);
  const flavourEntry = fields.get('flavour');
  const pipelineEntry = fields.get('pipeline');
  const inputsEntry = fields.get('inputs');
  if (flavourEntry !== undefined && pipelineEntry !== undefined) {
    src.error(pipelineEntry.keyLocation, 'conflicting-keys', `${where} has either "flavour" or "pipeline", not both`);
    return undefined;
  }
  if (flavourEntry !== undefined) {
    const flavour = readFlavour(context, src, flavourEntry);
    if (flavour === undefined) return undefined;
    source.flavour = { name: flavour.name, file: flavour.file.file };
    context.inputsOwner = `flavour "${flavour.name}"`;
    declareInputs(context, flavour.file, flavour.inputs);
    giveInputs(context, src, inputsEntry, flavourEntry);
    return { file: flavour.file, entry: flavour.pipeline, root: path.dirname(flavour.file.file) };
  }
  if (pipelineEntry !== undefined) {
    if (inputsEntry !== undefined)
      src.error(
        inputsEntry.keyLocation,
        'unknown-input',
        `"inputs" gives values to a flavour's inputs, but this file has an inline pipeline`,
      );
    giveInputs(context, src, undefined, pipelineEntry);
    return { file: src, entry: pipelineEntry, root: path.dirname(src.file) };
  }
  const root = src.root;
  if (!src.hasTypoOf(root, 'pipeline', KEYS.pipewrightFile) && !src.hasTypoOf(root, 'flavour', KEYS.pipewrightFile))
    src.error(
      src.location(0),
      'missing-key',
      `missing key "flavour" or "pipeline" in ${where}; expected a flavour to use, or the pipeline itself`,
    );
  return undefined;
}
