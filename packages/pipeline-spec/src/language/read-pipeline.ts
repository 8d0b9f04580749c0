import * as path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { type ErrorCollector, type SourceLocation } from '../errors/spec-error';
import { nearest, suggestion } from '../errors/suggest';
import { analyzeExpression } from '../expressions/analyze-expression';
import { type Expr } from '../expressions/ast';
import { interpolate } from '../expressions/evaluate';
import { ExpressionSyntaxError, parseExpression } from '../expressions/parse-expression';
import { conditionSource, findTemplates, hasTemplate } from '../expressions/templates';
import {
  type Approval,
  type GraphSource,
  type InputValue,
  type JsonValue,
  type RetryPolicy,
  type SectionName,
  type StageEnvironment,
} from '../graph/pipeline-graph';
import { type TaskInputSpec, type TaskTypeRegistry, type TaskTypeSpec } from '../task-types/task-types';
import { KEYS } from './document.schema';
import { formatDuration, parseDuration } from './durations';
import { type ExpressionSite, type RawNeed, type RawStage, type RawStep, type RawTask } from './raw-pipeline';
import { type Entry, SourceFile, truncate, type YamlValue } from './source-file';

/** How the loader reaches files; tests and the engine service pass their own. */
export interface FileAccess {
  /** The file's text, or undefined when it does not exist. */
  readFile(file: string): string | undefined;
  /** Names of the entries of a folder (empty when it does not exist). */
  listDir(dir: string): string[];
}

export type InputType = 'string' | 'number' | 'boolean';

export interface InputDeclaration {
  name: string;
  type: InputType;
  default?: InputValue;
  required: boolean;
  description?: string;
}

export interface ReadPipeline {
  component: string;
  team: string;
  solution: string;
  name: string;
  source: GraphSource;
  inputs: Record<string, InputValue>;
  declaredInputs: ReadonlyMap<string, InputDeclaration>;
  stages: RawStage[];
}

export const DEFAULT_TIMEOUT_MS = 3_600_000;
export const MAX_TIMEOUT_MS = 86_400_000;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 1, initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 };
const MAX_APPROVAL_TIMEOUT_MS = 30 * 86_400_000;
const MAX_READY_TIMEOUT_MS = 600_000;
const DEFAULT_READY_TIMEOUT_S = 60;

/** Stage and task names: also the parts of task ids (`stage.task`) and of expressions (`tasks.<name>`). */
const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** Component, team and solution names, as `@pipewright/contracts` accepts them. */
const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STEP_NAME_RULE = 'use letters, digits, "_" and "-", starting with a letter or digit';

interface Located {
  value: YamlValue;
  location: SourceLocation;
}

interface StageContext {
  name: string;
  /** Files being included, outermost first, to detect cycles. */
  includeStack: string[];
  /** Folder includes must stay inside. */
  root: string;
}

/**
 * Reads pipewright.yml, the flavour it names and the fragments it includes into a {@link ReadPipeline},
 * reporting every mistake it finds on the way. Cross-stage checks (needs, references) come after, in
 * `resolveGraph`.
 */
export class PipelineReader {
  private readonly files = new Map<string, SourceFile | undefined>();
  private declared = new Map<string, InputDeclaration>();
  private inputValues: Record<string, InputValue> = {};
  private inputsOwner = 'this pipeline';

  constructor(
    private readonly errors: ErrorCollector,
    private readonly io: FileAccess,
    private readonly taskTypes: TaskTypeRegistry,
    private readonly flavourDirs: readonly string[],
    private readonly overrides: Readonly<Record<string, InputValue>>,
  ) {}

  read(file: string, text: string): ReadPipeline | undefined {
    const src = new SourceFile(file, text, this.errors);
    this.files.set(file, src);
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
      return this.name(
        src,
        entry,
        `${key} name`,
        OWNER_NAME,
        'use letters, digits, ".", "_" and "-", starting with a letter or digit',
      );
    };
    const component = owner('component', 'the name of the component (service) this repository builds');
    const team = owner('team', 'the name of the team that owns the component');
    const solution = owner('solution', 'the name of the solution (product) the component belongs to');

    const flavourEntry = fields.get('flavour');
    const pipelineEntry = fields.get('pipeline');
    const inputsEntry = fields.get('inputs');
    let pipelineSource: { file: SourceFile; entry: Entry; root: string } | undefined;
    const source: GraphSource = { file };

    if (flavourEntry !== undefined && pipelineEntry !== undefined) {
      src.error(pipelineEntry.keyLocation, 'conflicting-keys', `${where} has either "flavour" or "pipeline", not both`);
    } else if (flavourEntry === undefined && pipelineEntry === undefined) {
      if (!src.hasTypoOf(root, 'pipeline', KEYS.pipewrightFile) && !src.hasTypoOf(root, 'flavour', KEYS.pipewrightFile))
        src.error(
          start,
          'missing-key',
          `missing key "flavour" or "pipeline" in ${where}; expected a flavour to use, or the pipeline itself`,
        );
    } else if (flavourEntry !== undefined) {
      const flavour = this.flavour(src, flavourEntry);
      if (flavour !== undefined) {
        source.flavour = { name: flavour.name, file: flavour.file.file };
        this.inputsOwner = `flavour "${flavour.name}"`;
        this.declareInputs(flavour.file, flavour.inputs);
        this.giveInputs(src, inputsEntry, flavourEntry);
        pipelineSource = { file: flavour.file, entry: flavour.pipeline, root: path.dirname(flavour.file.file) };
      }
    } else if (pipelineEntry !== undefined) {
      if (inputsEntry !== undefined)
        src.error(
          inputsEntry.keyLocation,
          'unknown-input',
          `"inputs" gives values to a flavour's inputs, but this file has an inline pipeline`,
        );
      this.giveInputs(src, undefined, pipelineEntry);
      pipelineSource = { file: src, entry: pipelineEntry, root: path.dirname(file) };
    }

    const pipeline = pipelineSource && this.pipeline(pipelineSource.file, pipelineSource.entry, pipelineSource.root);
    if (component === undefined || team === undefined || solution === undefined || pipeline === undefined)
      return undefined;
    return {
      component,
      team,
      solution,
      name: pipeline.name ?? component,
      source,
      inputs: this.inputValues,
      declaredInputs: this.declared,
      stages: pipeline.stages,
    };
  }

  // ------------------------------------------------------------------------------------------
  // Files, flavours and inputs

  private open(file: string): SourceFile | undefined {
    if (this.files.has(file)) return this.files.get(file);
    let text: string | undefined;
    try {
      text = this.io.readFile(file);
    } catch {
      text = undefined;
    }
    const src = text === undefined ? undefined : new SourceFile(file, text, this.errors);
    this.files.set(file, src);
    return src;
  }

  private flavour(src: SourceFile, entry: Entry) {
    const name = this.name(src, entry, 'flavour name', STEP_NAME, STEP_NAME_RULE);
    if (name === undefined) return undefined;
    for (const dir of this.flavourDirs) {
      for (const extension of ['.yml', '.yaml']) {
        const file = this.open(path.join(dir, name + extension));
        if (file === undefined) continue;
        if (!file.valid) return undefined;
        const where = `flavour "${name}"`;
        const fields = file.fields(file.root, where, KEYS.flavourFile, where, file.location(0));
        if (fields === undefined) return undefined;
        const pipeline = fields.get('pipeline');
        if (pipeline === undefined) {
          file.missing(
            file.root,
            'pipeline',
            KEYS.flavourFile,
            file.location(0),
            `missing key "pipeline" in ${where}; expected the pipeline the flavour defines`,
          );
          return undefined;
        }
        return { name, file, inputs: fields.get('inputs'), pipeline };
      }
    }
    const known = new Set<string>();
    for (const dir of this.flavourDirs) {
      let names: string[];
      try {
        names = this.io.listDir(dir);
      } catch {
        names = [];
      }
      for (const entryName of names) {
        const match = /^(.+)\.ya?ml$/.exec(entryName);
        if (match?.[1] !== undefined) known.add(match[1]);
      }
    }
    const dirs = this.flavourDirs.length > 0 ? this.flavourDirs.join(', ') : 'no flavour folders were given';
    const near = suggestion(name, [...known].sort(), 'known flavours');
    src.error(entry.location, 'unknown-flavour', `unknown flavour "${name}"${near} (looked in: ${dirs})`);
    return undefined;
  }

  private declareInputs(file: SourceFile, entry: Entry | undefined): void {
    if (entry === undefined) return;
    if (!isMap(entry.value)) {
      file.error(
        entry.location,
        'invalid-type',
        `"inputs" of ${this.inputsOwner} must be a map of input name to declaration; found ${file.describe(entry.value)}`,
      );
      return;
    }
    for (const pair of entry.value.items) {
      const keyNode = pair.key;
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') continue;
      const name = keyNode.value;
      const keyLocation = file.locationOf(keyNode);
      if (!INPUT_NAME.test(name)) {
        file.error(
          keyLocation,
          'invalid-name',
          `input name "${name}" is not valid: use letters, digits, "_" and "-", starting with a letter or "_"`,
        );
        continue;
      }
      const value = file.resolve(pair.value);
      const where = `input "${name}"`;
      const fields = file.fields(value, where, KEYS.inputDeclaration, where, file.locationOf(value, keyLocation));
      if (fields === undefined) continue;
      const declaration: InputDeclaration = { name, type: 'string', required: false };
      const type = fields.get('type');
      if (type !== undefined) {
        const text = file.string(type, `"type" of ${where}`, 'string, number or boolean');
        if (text === 'string' || text === 'number' || text === 'boolean') declaration.type = text;
        else if (text !== undefined) {
          const near = nearest(text, ['string', 'number', 'boolean']);
          file.error(
            type.location,
            'invalid-value',
            `"type" of ${where} must be string, number or boolean; found "${truncate(text)}"${near === undefined ? '' : `; did you mean "${near}"?`}`,
          );
        }
      }
      const description = fields.get('description');
      if (description !== undefined) declaration.description = file.string(description, `"description" of ${where}`);
      const required = fields.get('required');
      if (required !== undefined) declaration.required = file.boolean(required, `"required" of ${where}`) ?? false;
      const fallback = fields.get('default');
      if (fallback !== undefined) {
        const value = this.inputValue(file, fallback, `the default of ${where}`, declaration.type, false);
        if (value !== undefined) declaration.default = value;
        if (declaration.required)
          file.error(
            fallback.keyLocation,
            'conflicting-keys',
            `${where} has a default, so it is never missing; remove "required" or "default"`,
          );
      }
      this.declared.set(name, declaration);
    }
  }

  /** Checks a value against an input's type; `coerce` accepts text for numbers and booleans (command-line values). */
  private inputValue(
    file: SourceFile | undefined,
    entry: Located,
    what: string,
    type: InputType,
    coerce: boolean,
    raw?: InputValue,
  ): InputValue | undefined {
    const node = entry.value;
    const value: unknown = raw !== undefined ? raw : isScalar(node) ? node.value : undefined;
    const found =
      raw !== undefined
        ? typeof raw === 'string'
          ? `"${raw}"`
          : String(raw)
        : (file?.describe(node) ?? String(value));
    const fail = () => {
      this.errors.add(
        entry.location,
        'invalid-input',
        `${what} must be ${type === 'string' ? 'a string' : type === 'number' ? 'a number' : 'true or false'}; found ${found}`,
      );
      return undefined;
    };
    switch (type) {
      case 'string':
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean')
          return isScalar(node) ? (node.source ?? String(value)) : String(value);
        return fail();
      case 'number':
        if (typeof value === 'number') return value;
        if (coerce && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
          return Number(value);
        return fail();
      case 'boolean':
        if (typeof value === 'boolean') return value;
        if (coerce && (value === 'true' || value === 'false')) return value === 'true';
        return fail();
    }
  }

  /** Input values: pipewright.yml's `inputs`, then command-line overrides, then defaults; reports unknown and missing ones. */
  private giveInputs(src: SourceFile, entry: Entry | undefined, anchor: Entry): void {
    const names = [...this.declared.keys()];
    const unknown = (name: string) =>
      names.length === 0
        ? `unknown input "${name}"; ${this.inputsOwner} declares no inputs`
        : `unknown input "${name}" for ${this.inputsOwner}${suggestion(name, names, 'its inputs are')}`;
    const values: Record<string, InputValue> = {};
    if (entry !== undefined) {
      const given = src.entries(entry.value, 'the inputs', names, '"inputs"', entry.location, (key) => ({
        code: 'unknown-input',
        message: unknown(key),
      }));
      for (const input of given ?? []) {
        const declaration = this.declared.get(input.key);
        if (declaration === undefined) continue;
        const value = this.inputValue(src, input, `input "${input.key}"`, declaration.type, false);
        if (value !== undefined) values[input.key] = value;
      }
    }
    for (const [name, raw] of Object.entries(this.overrides)) {
      const declaration = this.declared.get(name);
      const location = { file: '--input', line: 0, column: 0 };
      if (declaration === undefined) {
        this.errors.add(location, 'unknown-input', unknown(name));
        continue;
      }
      const value = this.inputValue(
        undefined,
        { value: null, location },
        `input "${name}"`,
        declaration.type,
        true,
        raw,
      );
      if (value !== undefined) values[name] = value;
    }
    for (const declaration of this.declared.values()) {
      if (values[declaration.name] !== undefined) continue;
      if (declaration.default !== undefined) values[declaration.name] = declaration.default;
      else if (declaration.required) {
        const about =
          declaration.description !== undefined
            ? ` (${declaration.type}: ${declaration.description})`
            : ` (${declaration.type})`;
        src.error(
          entry?.keyLocation ?? anchor.location,
          'missing-input',
          `missing required input "${declaration.name}" for ${this.inputsOwner}${about}`,
        );
      }
    }
    // Keep the declaration order, so the graph reads like the flavour.
    this.inputValues = Object.fromEntries(
      names.filter((name) => values[name] !== undefined).map((name) => [name, values[name] as InputValue]),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Pipeline and stages

  private pipeline(file: SourceFile, entry: Entry, root: string): { name?: string; stages: RawStage[] } | undefined {
    const fields = file.fields(entry.value, 'the pipeline', KEYS.pipeline, '"pipeline"', entry.location);
    if (fields === undefined) return undefined;
    const nameEntry = fields.get('name');
    const name = nameEntry && this.name(file, nameEntry, 'pipeline name', STEP_NAME, STEP_NAME_RULE);
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
    this.stages(file, stagesEntry, [file.file], root, stages);
    if (stages.length === 0 && isSeq(stagesEntry.value) && stagesEntry.value.items.length === 0)
      file.error(stagesEntry.location, 'invalid-value', 'the pipeline has no stages; expected at least one');
    return name === undefined ? { stages } : { name, stages };
  }

  private stages(file: SourceFile, entry: Located, includeStack: string[], root: string, out: RawStage[]): void {
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
        const name = this.checkName(file, String(keyNode.value), nameLocation, 'stage name');
        const value = file.resolve(pair.value);
        const stage = this.stage(
          file,
          { value, location: file.locationOf(value, nameLocation) },
          { includeStack, root, name: name ?? String(keyNode.value) },
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
        const fragment = this.include(file, item, includeStack, root, 'stages');
        if (fragment !== undefined)
          this.stages(fragment.file, fragment.entry, [...includeStack, fragment.file.file], root, out);
        return;
      }
      const stage = this.stage(file, item, { includeStack, root, name: `#${index + 1}` });
      if (stage !== undefined) out.push(stage);
    });
  }

  private stage(
    file: SourceFile,
    item: Located,
    context: StageContext,
    keyName?: { name: string; location: SourceLocation },
  ): RawStage | undefined {
    const inList = keyName === undefined;
    const where = `stage "${context.name}"`;
    const fields = file.fields(
      item.value,
      where,
      inList ? KEYS.stage : KEYS.stageBody,
      inList ? `stage ${context.name}` : where,
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
          `missing key "name" in stage ${context.name}; expected the stage's name`,
        );
      } else {
        name = this.name(file, nameEntry, 'stage name', STEP_NAME, STEP_NAME_RULE);
        nameLocation = nameEntry.location;
      }
    }
    const stageContext: StageContext = { ...context, name: name ?? context.name };
    const stageWhere = `stage "${stageContext.name}"`;

    const stage: RawStage = {
      name: stageContext.name,
      location: item.location,
      nameLocation,
      sections: { first: [], main: [], last: [] },
    };
    const needs = fields.get('needs');
    if (needs !== undefined) stage.needs = this.needs(file, needs, stageWhere);
    const environment = fields.get('environment');
    if (environment !== undefined) {
      const value = this.environment(file, environment, stageWhere);
      if (value !== undefined) stage.environment = value;
    }
    const approval = fields.get('approval');
    if (approval !== undefined) {
      const value = this.approval(file, approval, stageWhere);
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
        stage.sections[section] = this.section(file, entry, stageContext, `"${entry.key}" of ${stageWhere}`);
    }
    if (sections.every(([, entry]) => entry === undefined) && approval === undefined)
      file.error(
        item.location,
        'missing-key',
        `${stageWhere} has no tasks; expected "tasks" (or "first", "main", "last")`,
      );
    return name === undefined ? undefined : stage;
  }

  private needs(file: SourceFile, entry: Entry, where: string): RawNeed[] {
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

  private environment(file: SourceFile, entry: Entry, where: string): StageEnvironment | undefined {
    const node = entry.value;
    const what = `the environment of ${where}`;
    if (isScalar(node) && typeof node.value === 'string') {
      const name = this.staticText(file, entry, what);
      return name !== undefined && this.environmentName(file, entry, name)
        ? { lifetime: 'long-lived', name }
        : undefined;
    }
    if (!isMap(node)) {
      file.error(
        entry.location,
        'invalid-type',
        `${what} must be the name of a long-lived environment or a map with "name" and "ephemeral"; found ${file.describe(node)}`,
      );
      return undefined;
    }
    const fields = file.fields(node, what, KEYS.environment, what, entry.location);
    if (fields === undefined) return undefined;
    const nameEntry = fields.get('name');
    let name: string | undefined;
    if (nameEntry === undefined)
      file.missing(
        node,
        'name',
        KEYS.environment,
        entry.location,
        `missing key "name" in ${what}; expected the environment's name`,
      );
    else {
      name = this.staticText(file, nameEntry, `"name" of ${what}`);
      if (name !== undefined && !this.environmentName(file, nameEntry, name)) name = undefined;
    }
    const ephemeral = fields.get('ephemeral');
    const flat = KEYS.ephemeral.map((key) => fields.get(key)).filter((e): e is Entry => e !== undefined);
    const size = fields.get('size');
    if (ephemeral !== undefined && flat[0] !== undefined) {
      file.error(
        flat[0].keyLocation,
        'conflicting-keys',
        `"${flat[0].key}" belongs inside "ephemeral" when ${what} has an "ephemeral" map`,
      );
      return undefined;
    }
    if (ephemeral === undefined && flat.length === 0) {
      if (size !== undefined)
        file.error(
          size.keyLocation,
          'conflicting-keys',
          `"size" applies to ephemeral environments; ${what} is long-lived (it has no "ephemeral")`,
        );
      return name === undefined ? undefined : { lifetime: 'long-lived', name };
    }
    let specFields: Map<string, Entry> | undefined = fields;
    let specLocation = entry.location;
    const specWhat = `the ephemeral environment of ${where}`;
    if (ephemeral !== undefined) {
      specFields = file.fields(ephemeral.value, specWhat, KEYS.ephemeral, `"ephemeral" of ${what}`, ephemeral.location);
      specLocation = ephemeral.location;
    }
    if (specFields === undefined) return undefined;
    let sizeName = 'small';
    if (size !== undefined)
      sizeName = this.name(file, size, `"size" of ${what}`, STEP_NAME, STEP_NAME_RULE) ?? sizeName;
    const driver = specFields.get('driver');
    if (driver !== undefined) {
      const text = file.string(driver, `"driver" of ${specWhat}`);
      if (text !== undefined && text !== 'local-process')
        file.error(
          driver.location,
          'invalid-value',
          `unknown environment driver "${text}"${suggestion(text, ['local-process'], 'known drivers')}`,
        );
    }
    const commandEntry = specFields.get('command');
    const command =
      commandEntry === undefined ? undefined : this.staticText(file, commandEntry, `"command" of ${specWhat}`);
    if (commandEntry === undefined)
      file.missing(
        ephemeral?.value ?? node,
        'command',
        KEYS.ephemeral,
        specLocation,
        `missing key "command" in ${specWhat}; expected the command that starts the service (it must listen on $PORT)`,
      );
    const cwdEntry = specFields.get('cwd');
    const cwd = cwdEntry && this.staticText(file, cwdEntry, `"cwd" of ${specWhat}`);
    const healthEntry = specFields.get('healthPath');
    let healthPath = '/';
    if (healthEntry !== undefined) {
      const text = this.staticText(file, healthEntry, `"healthPath" of ${specWhat}`);
      if (text !== undefined && !text.startsWith('/'))
        file.error(
          healthEntry.location,
          'invalid-value',
          `"healthPath" of ${specWhat} must start with "/"; found "${truncate(text)}"`,
        );
      else if (text !== undefined) healthPath = text;
    }
    const readyEntry = specFields.get('readyTimeout');
    const readyMs =
      readyEntry && this.duration(file, readyEntry, `"readyTimeout" of ${specWhat}`, MAX_READY_TIMEOUT_MS);
    const env = this.envMap(file, specFields.get('env'), specWhat, 'static');
    if (name === undefined || command === undefined) return undefined;
    return {
      lifetime: 'ephemeral',
      name,
      size: sizeName,
      spec: {
        driver: 'local-process',
        command,
        ...(cwd === undefined ? {} : { cwd }),
        healthPath,
        readyTimeoutSeconds: readyMs === undefined ? DEFAULT_READY_TIMEOUT_S : Math.ceil(readyMs / 1000),
        env,
      },
    };
  }

  private environmentName(file: SourceFile, entry: Entry, name: string): boolean {
    if (STEP_NAME.test(name) && name.length <= 100) return true;
    file.error(entry.location, 'invalid-name', `environment name "${truncate(name)}" is not valid: ${STEP_NAME_RULE}`);
    return false;
  }

  private approval(file: SourceFile, entry: Entry, where: string): Approval | undefined {
    const what = `the approval of ${where}`;
    const fields = file.fields(entry.value, what, KEYS.approval, what, entry.location);
    if (fields === undefined) return undefined;
    const approversEntry = fields.get('approvers');
    const approvers: string[] = [];
    if (approversEntry === undefined) {
      file.missing(
        entry.value,
        'approvers',
        KEYS.approval,
        entry.location,
        `missing key "approvers" in ${what}; expected the users or groups (group:<name>) who may approve`,
      );
    } else {
      const node = approversEntry.value;
      const list = isSeq(node)
        ? (file.items(node, `"approvers" of ${what}`, approversEntry.location) ?? [])
        : [approversEntry];
      for (const item of list) {
        if (!isScalar(item.value) || typeof item.value.value !== 'string') {
          file.error(
            item.location,
            'invalid-type',
            `"approvers" of ${what} must be a user or group, or a list of them; found ${file.describe(item.value)}`,
          );
          continue;
        }
        const text = this.staticText(file, item, `"approvers" of ${what}`);
        if (text !== undefined)
          approvers.push(
            ...text
              .split(',')
              .map((part) => part.trim())
              .filter((part) => part !== ''),
          );
      }
      if (approvers.length === 0 && isSeq(node) && node.items.length === 0)
        file.error(
          approversEntry.location,
          'invalid-value',
          `"approvers" of ${what} is empty; expected at least one user or group`,
        );
    }
    const timeoutEntry = fields.get('timeout');
    const timeoutMs =
      timeoutEntry && this.duration(file, timeoutEntry, `"timeout" of ${what}`, MAX_APPROVAL_TIMEOUT_MS);
    if (approvers.length === 0) return undefined;
    return timeoutMs === undefined ? { approvers } : { approvers, timeoutMs };
  }

  // ------------------------------------------------------------------------------------------
  // Sections, includes and tasks

  private section(file: SourceFile, entry: Entry, stage: StageContext, what: string): RawStep[] {
    const steps: RawStep[] = [];
    this.steps(file, entry, stage, what, steps, false);
    return steps;
  }

  private steps(
    file: SourceFile,
    entry: Located,
    stage: StageContext,
    what: string,
    out: RawStep[],
    inLane: boolean,
  ): void {
    const items = file.items(entry.value, what, entry.location, 'a list of tasks');
    if (items === undefined) return;
    for (const item of items) {
      const node = item.value;
      if (isMap(node) && node.has('include')) {
        const fragment = this.include(file, item, stage.includeStack, stage.root, 'tasks');
        if (fragment !== undefined)
          this.steps(
            fragment.file,
            fragment.entry,
            { ...stage, includeStack: [...stage.includeStack, fragment.file.file] },
            `"tasks" of ${path.basename(fragment.file.file)}`,
            out,
            inLane,
          );
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
        const lanes = this.parallel(file, item, stage);
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
      const task = this.task(file, item, stage);
      if (task !== undefined) out.push({ kind: 'task', task });
    }
  }

  private parallel(file: SourceFile, item: Located, stage: StageContext): RawTask[][] | undefined {
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
      const steps: RawStep[] = [];
      if (isSeq(lane.value)) {
        this.steps(file, lane, stage, `lane ${index + 1} of the parallel step in stage "${stage.name}"`, steps, true);
        if (lane.value.items.length === 0)
          file.error(
            lane.location,
            'invalid-value',
            `lane ${index + 1} of the parallel step in stage "${stage.name}" is empty; expected at least one task`,
          );
      } else {
        if (isMap(lane.value) && lane.value.has('include')) {
          const fragment = this.include(file, lane, stage.includeStack, stage.root, 'tasks');
          if (fragment !== undefined)
            this.steps(
              fragment.file,
              fragment.entry,
              { ...stage, includeStack: [...stage.includeStack, fragment.file.file] },
              `"tasks" of ${path.basename(fragment.file.file)}`,
              steps,
              true,
            );
        } else if (isMap(lane.value)) {
          const task = this.task(file, lane, stage);
          if (task !== undefined) steps.push({ kind: 'task', task });
        } else {
          file.error(
            lane.location,
            'invalid-type',
            `each lane of the parallel step in stage "${stage.name}" must be a task or a list of tasks; found ${file.describe(lane.value)}`,
          );
        }
      }
      const tasks = steps.flatMap((step) => (step.kind === 'task' ? [step.task] : []));
      if (tasks.length > 0) out.push(tasks);
    });
    return out.length > 0 ? out : undefined;
  }

  /** Opens the fragment an `include:` names; returns its `stages` or `tasks` entry. */
  private include(
    file: SourceFile,
    item: Located,
    includeStack: string[],
    root: string,
    kind: 'stages' | 'tasks',
  ): { file: SourceFile; entry: Entry } | undefined {
    const fields = file.fields(item.value, 'an include', KEYS.include, 'an include', item.location);
    const entry = fields?.get('include');
    if (entry === undefined) return undefined;
    const target = file.string(entry, '"include"', 'a relative path to a fragment file');
    if (target === undefined) return undefined;
    if (path.isAbsolute(target)) {
      file.error(
        entry.location,
        'invalid-include',
        `include "${target}" must be a path relative to ${path.basename(file.file)}`,
      );
      return undefined;
    }
    const resolved = path.join(path.dirname(file.file), target);
    const relative = path.relative(root, resolved);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      file.error(
        entry.location,
        'invalid-include',
        `include "${target}" leaves the folder of ${path.basename(includeStack[0] ?? file.file)}; fragments must be inside it`,
      );
      return undefined;
    }
    const cycleStart = includeStack.indexOf(resolved);
    if (cycleStart >= 0) {
      const cycle = [...includeStack.slice(cycleStart), resolved].map((f) => path.basename(f)).join(' -> ');
      file.error(entry.location, 'include-cycle', `include cycle: ${cycle}`);
      return undefined;
    }
    const fragment = this.open(resolved);
    if (fragment === undefined) {
      file.error(
        entry.location,
        'include-not-found',
        `cannot include "${target}": no such file${resolved === target ? '' : ` (${resolved})`}`,
      );
      return undefined;
    }
    if (!fragment.valid) return undefined;
    const where = `fragment ${path.basename(resolved)}`;
    const start = fragment.location(0);
    const fragmentFields = fragment.fields(fragment.root, where, KEYS.fragmentFile, where, start);
    if (fragmentFields === undefined) return undefined;
    const stages = fragmentFields.get('stages');
    const tasks = fragmentFields.get('tasks');
    if (stages !== undefined && tasks !== undefined) {
      fragment.error(
        tasks.keyLocation,
        'conflicting-keys',
        `${where} has both "stages" and "tasks"; a fragment holds one or the other`,
      );
      return undefined;
    }
    const found = stages ?? tasks;
    if (found === undefined) {
      fragment.missing(
        fragment.root,
        kind,
        KEYS.fragmentFile,
        start,
        `missing key "${kind}" in ${where}; expected the ${kind} to include`,
      );
      return undefined;
    }
    if (found.key !== kind) {
      const place = kind === 'tasks' ? 'a task list' : 'a list of stages';
      file.error(
        entry.location,
        'invalid-include',
        `"${target}" holds ${found.key}, but ${place} can only include a fragment with "${kind}"`,
      );
      return undefined;
    }
    return { file: fragment, entry: found };
  }

  private task(file: SourceFile, item: Located, stage: StageContext): RawTask | undefined {
    const anonymous = `a task in stage "${stage.name}"`;
    const nameNode = isMap(item.value) ? file.resolve(item.value.get('name', true)) : null;
    const label = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : undefined;
    const where = label !== undefined ? `task "${label}" in stage "${stage.name}"` : anonymous;
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
    else name = this.name(file, nameEntry, 'task name', STEP_NAME, STEP_NAME_RULE);

    const expressions: ExpressionSite[] = [];
    const uses = fields.get('uses');
    const run = fields.get('run');
    const withEntry = fields.get('with');
    let type: string | undefined;
    let typeSpec: TaskTypeSpec | undefined;
    let withValue: Record<string, JsonValue> = {};
    if (uses !== undefined && run !== undefined) {
      file.error(
        run.keyLocation,
        'conflicting-keys',
        `${where} has both "run" and "uses"; "run" is shorthand for "uses: shell"`,
      );
    } else if (uses === undefined && run === undefined) {
      if (!file.hasTypoOf(item.value, 'run', KEYS.task) && !file.hasTypoOf(item.value, 'uses', KEYS.task))
        file.error(item.location, 'missing-key', `${where} needs "run" (a shell command) or "uses" (a task type)`);
    } else if (uses !== undefined) {
      const text = file.string(uses, `"uses" of ${where}`, 'a task type');
      if (text !== undefined) {
        typeSpec = this.taskTypes[text];
        if (typeSpec === undefined)
          file.error(
            uses.location,
            'unknown-task-type',
            `unknown task type "${text}" in ${where}${suggestion(text, Object.keys(this.taskTypes), 'known task types')}`,
          );
        else type = text;
      }
    } else if (run !== undefined) {
      typeSpec = this.taskTypes.shell;
      const command = file.string(run, `"run" of ${where}`, 'a shell command');
      if (typeSpec === undefined)
        file.error(
          run.keyLocation,
          'unknown-task-type',
          `"run" needs the shell task type, which is not available here`,
        );
      else if (command !== undefined) {
        type = 'shell';
        withValue.run = command;
        expressions.push(...this.templateSites(file, run.value, run.location));
      }
    }
    if (type !== undefined && typeSpec !== undefined) {
      const given = this.withInputs(
        file,
        withEntry,
        type,
        typeSpec,
        where,
        item.location,
        run !== undefined,
        expressions,
      );
      withValue = { ...withValue, ...given };
    }
    const env = this.envMap(file, fields.get('env'), where, 'runtime', expressions);
    const timeoutEntry = fields.get('timeout');
    const timeoutMs =
      (timeoutEntry && this.duration(file, timeoutEntry, `"timeout" of ${where}`, MAX_TIMEOUT_MS)) ??
      DEFAULT_TIMEOUT_MS;
    const retryEntry = fields.get('retry');
    const retry = retryEntry === undefined ? { ...DEFAULT_RETRY } : this.retry(file, retryEntry, where);
    const ifEntry = fields.get('if');
    const condition = ifEntry && this.condition(file, ifEntry, where, expressions);
    const poolEntry = fields.get('pool');
    const pool = poolEntry && this.staticText(file, poolEntry, `"pool" of ${where}`);
    if (pool !== undefined && poolEntry !== undefined && !STEP_NAME.test(pool))
      file.error(poolEntry.location, 'invalid-name', `pool name "${truncate(pool)}" is not valid: ${STEP_NAME_RULE}`);
    const idempotentEntry = fields.get('idempotent');
    const idempotent = (idempotentEntry && file.boolean(idempotentEntry, `"idempotent" of ${where}`)) ?? false;
    const outputsEntry = fields.get('outputs');
    const outputs = outputsEntry === undefined ? [] : this.outputs(file, outputsEntry, where);

    if (name === undefined || type === undefined) return undefined;
    const task: RawTask = {
      name,
      location: item.location,
      nameLocation: nameEntry?.location ?? item.location,
      uses: type,
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

  private withInputs(
    file: SourceFile,
    entry: Entry | undefined,
    type: string,
    spec: TaskTypeSpec,
    where: string,
    taskLocation: SourceLocation,
    runShorthand: boolean,
    expressions: ExpressionSite[],
  ): Record<string, JsonValue> {
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
        if (this.checkInputType(file, input, inputSpec, `input "${input.key}" of ${where}`)) {
          out[input.key] = file.toJson(input.value) as JsonValue;
          expressions.push(...this.templateSites(file, input.value, input.location));
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

  private checkInputType(file: SourceFile, entry: Entry, spec: TaskInputSpec, what: string): boolean {
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

  private envMap(
    file: SourceFile,
    entry: Entry | undefined,
    where: string,
    kind: 'runtime' | 'static',
    expressions?: ExpressionSite[],
  ): Record<string, string> {
    const out: Record<string, string> = {};
    if (entry === undefined) return out;
    if (!isMap(entry.value)) {
      file.error(
        entry.location,
        'invalid-type',
        `"env" of ${where} must be a map of variable names to values; found ${file.describe(entry.value)}`,
      );
      return out;
    }
    for (const pair of entry.value.items) {
      const keyNode = pair.key;
      const keyLocation = file.locationOf(keyNode);
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (!ENV_NAME.test(key)) {
        file.error(
          keyLocation,
          'invalid-name',
          `environment variable name "${truncate(key)}" in ${where} is not valid: use letters, digits and "_", not starting with a digit`,
        );
        continue;
      }
      const value = file.resolve(pair.value);
      const located = { value, location: file.locationOf(value, keyLocation) };
      const text =
        kind === 'static'
          ? this.staticText(file, located, `"env.${key}" of ${where}`, true)
          : file.scalarText(located, `"env.${key}" of ${where}`);
      if (text === undefined) continue;
      if (kind === 'runtime') expressions?.push(...this.templateSites(file, value, located.location));
      out[key] = text;
    }
    return out;
  }

  private retry(file: SourceFile, entry: Entry, where: string): RetryPolicy {
    const retry = { ...DEFAULT_RETRY };
    const what = `"retry" of ${where}`;
    if (isScalar(entry.value) && typeof entry.value.value === 'number') {
      retry.attempts = file.integer(entry, `${what} (attempts)`, 1, 100) ?? retry.attempts;
      return retry;
    }
    if (!isMap(entry.value)) {
      file.error(
        entry.location,
        'invalid-type',
        `${what} must be a number of attempts or a map with "attempts" and "backoff"; found ${file.describe(entry.value)}`,
      );
      return retry;
    }
    const fields = file.fields(entry.value, `the retry of ${where}`, KEYS.retry, what, entry.location);
    const attempts = fields?.get('attempts');
    if (attempts !== undefined)
      retry.attempts = file.integer(attempts, `"attempts" of the retry of ${where}`, 1, 100) ?? retry.attempts;
    const backoff = fields?.get('backoff');
    if (backoff === undefined) return retry;
    const backoffWhat = `the backoff of ${where}`;
    const backoffFields = file.fields(
      backoff.value,
      backoffWhat,
      KEYS.backoff,
      `"backoff" of ${where}`,
      backoff.location,
    );
    const initial = backoffFields?.get('initial');
    if (initial !== undefined)
      retry.initialDelayMs =
        this.duration(file, initial, `"initial" of ${backoffWhat}`, MAX_TIMEOUT_MS) ?? retry.initialDelayMs;
    const max = backoffFields?.get('max');
    if (max !== undefined) {
      const ms = this.duration(file, max, `"max" of ${backoffWhat}`, MAX_TIMEOUT_MS);
      if (ms !== undefined && ms < retry.initialDelayMs)
        file.error(
          max.location,
          'invalid-value',
          `"max" of ${backoffWhat} (${formatDuration(ms)}) must not be shorter than "initial" (${formatDuration(retry.initialDelayMs)})`,
        );
      else if (ms !== undefined) retry.maxDelayMs = ms;
    } else if (retry.initialDelayMs > retry.maxDelayMs) {
      retry.maxDelayMs = retry.initialDelayMs;
    }
    const jitter = backoffFields?.get('jitter');
    if (jitter !== undefined) {
      const node = jitter.value;
      if (isScalar(node) && typeof node.value === 'boolean') retry.jitter = node.value ? 1 : 0;
      else if (isScalar(node) && typeof node.value === 'number' && node.value >= 0 && node.value <= 1)
        retry.jitter = node.value;
      else
        file.error(
          jitter.location,
          'invalid-value',
          `"jitter" of ${backoffWhat} must be true, false or a fraction from 0 to 1; found ${file.describe(node)}`,
        );
    }
    return retry;
  }

  private outputs(file: SourceFile, entry: Entry, where: string): string[] {
    const node = entry.value;
    const what = `"outputs" of ${where}`;
    const named: Located[] = [];
    if (isSeq(node)) named.push(...(file.items(node, what, entry.location) ?? []));
    else if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = file.resolve(pair.key);
        named.push({ value: keyNode, location: file.locationOf(keyNode) });
        const description = file.resolve(pair.value);
        if (!(isScalar(description) && (typeof description.value === 'string' || description.value === null)))
          file.error(
            file.locationOf(description),
            'invalid-type',
            `the description of output "${String(isScalar(keyNode) ? keyNode.value : '')}" in ${where} must be a string; found ${file.describe(description)}`,
          );
      }
    } else {
      file.error(
        entry.location,
        'invalid-type',
        `${what} must be a list of output names (or a map of name to description); found ${file.describe(node)}`,
      );
      return [];
    }
    const out: string[] = [];
    for (const item of named) {
      const name = isScalar(item.value) && typeof item.value.value === 'string' ? item.value.value : undefined;
      if (name === undefined || !INPUT_NAME.test(name)) {
        file.error(
          item.location,
          'invalid-name',
          `output name ${name === undefined ? file.describe(item.value) : `"${truncate(name)}"`} in ${where} is not valid: use letters, digits, "_" and "-", starting with a letter or "_"`,
        );
        continue;
      }
      if (out.includes(name)) {
        file.error(item.location, 'duplicate-name', `output "${name}" is listed twice in ${where}`);
        continue;
      }
      out.push(name);
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Scalars

  private name(file: SourceFile, entry: Entry, what: string, pattern: RegExp, rule: string): string | undefined {
    const text = file.string(entry, what.endsWith(' name') ? `the ${what}` : what, 'a name');
    if (text === undefined) return undefined;
    return this.checkName(file, text, entry.location, what, pattern, rule);
  }

  private checkName(
    file: SourceFile,
    text: string,
    location: SourceLocation,
    what: string,
    pattern = STEP_NAME,
    rule = STEP_NAME_RULE,
  ): string | undefined {
    if (pattern.test(text) && text.length <= 100) return text;
    file.error(
      location,
      'invalid-name',
      `${what} "${truncate(text)}" is not valid: ${text.length > 100 ? 'at most 100 characters' : rule}`,
    );
    return undefined;
  }

  private duration(file: SourceFile, entry: Entry, what: string, maxMs: number): number | undefined {
    const node = entry.value;
    const example = 'a duration like 30s, 5m or 1h';
    if (isScalar(node) && typeof node.value === 'number') {
      file.error(
        entry.location,
        'invalid-duration',
        `${what} must be ${example}; found the number ${node.source ?? String(node.value)} (did you mean "${node.source ?? String(node.value)}s"?)`,
      );
      return undefined;
    }
    const text = file.string(entry, what, example);
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === undefined) {
      file.error(
        entry.location,
        'invalid-duration',
        `${what} must be ${example} (units: ms, s, m, h, d); found "${truncate(text)}"`,
      );
      return undefined;
    }
    if (ms === 0) {
      file.error(entry.location, 'invalid-duration', `${what} must be longer than 0`);
      return undefined;
    }
    if (ms > maxMs) {
      file.error(entry.location, 'invalid-duration', `${what} must be at most ${formatDuration(maxMs)}; found ${text}`);
      return undefined;
    }
    return ms;
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  private reportSyntax(
    file: SourceFile,
    node: YamlValue,
    fallback: SourceLocation,
    error: unknown,
    offset: number,
    anchor?: number,
  ): void {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    file.error(
      file.locate(node, fallback, offset + error.pos, anchor),
      'invalid-expression',
      `invalid expression: ${error.message}`,
    );
  }

  private parse(
    file: SourceFile,
    node: YamlValue,
    fallback: SourceLocation,
    source: string,
    offset: number,
    anchor?: number,
  ): Expr | undefined {
    try {
      return parseExpression(source);
    } catch (error) {
      this.reportSyntax(file, node, fallback, error, offset, anchor);
      return undefined;
    }
  }

  /** Every `${{ … }}` inside a value (strings in maps and lists too), parsed, for checking later. */
  private templateSites(file: SourceFile, node: YamlValue, fallback: SourceLocation): ExpressionSite[] {
    const sites: ExpressionSite[] = [];
    const visit = (value: YamlValue, location: SourceLocation) => {
      if (isMap(value))
        for (const pair of value.items) {
          const v = file.resolve(pair.value);
          visit(v, file.locationOf(v, location));
        }
      else if (isSeq(value))
        for (const item of value.items) {
          const v = file.resolve(item);
          visit(v, file.locationOf(v, location));
        }
      else if (isScalar(value) && typeof value.value === 'string' && hasTemplate(value.value)) {
        let parts;
        try {
          parts = findTemplates(value.value);
        } catch (error) {
          this.reportSyntax(file, value, location, error, 0, value.value.indexOf('${{'));
          return;
        }
        for (const part of parts) {
          const ast = this.parse(file, value, location, part.source, part.sourceStart, part.start);
          if (ast !== undefined)
            sites.push({
              file,
              node: value,
              fallback: location,
              offset: part.sourceStart,
              anchor: part.start,
              ast,
              condition: false,
            });
        }
      }
    };
    visit(node, fallback);
    return sites;
  }

  private condition(file: SourceFile, entry: Entry, where: string, expressions: ExpressionSite[]): string | undefined {
    const node = entry.value;
    if (isScalar(node) && typeof node.value === 'boolean') return String(node.value);
    const text = file.string(entry, `"if" of ${where}`, "a condition, e.g. ${{ tasks.build.outcome == 'success' }}");
    if (text === undefined) return undefined;
    let condition;
    try {
      condition = conditionSource(text);
    } catch (error) {
      this.reportSyntax(file, node, entry.location, error, 0);
      return undefined;
    }
    const anchor = text.indexOf('${{');
    const ast = this.parse(
      file,
      node,
      entry.location,
      condition.source,
      condition.offset,
      anchor >= 0 ? anchor : undefined,
    );
    if (ast === undefined) return undefined;
    expressions.push({
      file,
      node,
      fallback: entry.location,
      offset: condition.offset,
      ...(anchor >= 0 ? { anchor } : {}),
      ast,
      condition: true,
    });
    return condition.source;
  }

  /**
   * A string that may use `${{ inputs.* }}` only, resolved now: environments, approvers and pools
   * must be known before the run starts. `anyScalar` accepts numbers and booleans as their text.
   */
  private staticText(file: SourceFile, entry: Located, what: string, anyScalar = false): string | undefined {
    const text = anyScalar ? file.scalarText(entry, what) : file.string(entry, what);
    if (text === undefined || !hasTemplate(text)) return text;
    let parts;
    try {
      parts = findTemplates(text);
    } catch (error) {
      this.reportSyntax(file, entry.value, entry.location, error, 0, text.indexOf('${{'));
      return undefined;
    }
    let ok = true;
    for (const part of parts) {
      const ast = this.parse(file, entry.value, entry.location, part.source, part.sourceStart, part.start);
      if (ast === undefined) {
        ok = false;
        continue;
      }
      const analysis = analyzeExpression(ast);
      const at = (pos: number) => file.locate(entry.value, entry.location, part.sourceStart + pos, part.start);
      for (const problem of analysis.problems) {
        file.error(at(problem.pos), 'invalid-expression', `invalid expression: ${problem.message}`);
        ok = false;
      }
      for (const reference of analysis.references) {
        const [root, input] = reference.path;
        if (root === undefined) continue;
        if (root.name !== 'inputs') {
          file.error(
            at(root.pos),
            'unknown-reference',
            `only inputs.* can be used in ${what}: it is fixed before the run starts, when "${root.name}" is not known yet`,
          );
          ok = false;
        } else if (input === undefined || reference.path.length > 2 || reference.dynamic) {
          file.error(at(root.pos), 'unknown-reference', `expected inputs.<name> in ${what}`);
          ok = false;
        } else if (!this.declared.has(input.name)) {
          file.error(at(input.pos), 'unknown-reference', this.unknownInputMessage(input.name));
          ok = false;
        }
      }
      if (analysis.usesStatus) {
        file.error(
          at(0),
          'invalid-expression',
          `always(), success(), failure() and cancelled() can only be used in "if"`,
        );
        ok = false;
      }
    }
    return ok ? interpolate(text, { inputs: this.inputValues }) : undefined;
  }

  unknownInputMessage(name: string): string {
    const names = [...this.declared.keys()];
    return names.length === 0
      ? `unknown input "${name}"; ${this.inputsOwner} declares no inputs`
      : `unknown input "${name}"${suggestion(name, names, `inputs of ${this.inputsOwner}`)}`;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
