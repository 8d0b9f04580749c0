import { isMap, isScalar } from 'yaml';
import { nearest, suggestion } from '../../errors/suggest';
import { type InputValue } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type Entry, type SourceFile, truncate } from '../source-file';
import { type InputDeclaration, type InputType, type Located, type ReadContext } from './read-context';
import { INPUT_NAME, INPUT_NAME_RULE } from './scalars';

/** Reads a flavour's `inputs:` declarations into `context.declared`. */
export function declareInputs(context: ReadContext, file: SourceFile, entry: Entry | undefined): void {
  if (entry === undefined) return;
  if (!isMap(entry.value)) {
    file.error(
      entry.location,
      'invalid-type',
      `"inputs" of ${context.inputsOwner} must be a map of input name to declaration; found ${file.describe(entry.value)}`,
    );
    return;
  }
  for (const pair of entry.value.items) {
    const keyNode = pair.key;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') continue;
    const name = keyNode.value;
    const keyLocation = file.locationOf(keyNode);
    if (!INPUT_NAME.test(name)) {
      file.error(keyLocation, 'invalid-name', `input name "${name}" is not valid: ${INPUT_NAME_RULE}`);
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
      const value = inputValue(context, file, fallback, `the default of ${where}`, declaration.type, false);
      if (value !== undefined) declaration.default = value;
      if (declaration.required)
        file.error(
          fallback.keyLocation,
          'conflicting-keys',
          `${where} has a default, so it is never missing; remove "required" or "default"`,
        );
    }
    context.declared.set(name, declaration);
  }
}

/**
 * Input values: pipewright.yml's `inputs`, then command-line overrides, then defaults; reports unknown
 * and missing ones. Sets `context.inputValues`. `anchor` is where a missing input is reported when
 * there is no `inputs` entry.
 */
export function giveInputs(context: ReadContext, src: SourceFile, entry: Entry | undefined, anchor: Entry): void {
  const names = [...context.declared.keys()];
  const unknown = (name: string) =>
    names.length === 0
      ? `unknown input "${name}"; ${context.inputsOwner} declares no inputs`
      : `unknown input "${name}" for ${context.inputsOwner}${suggestion(name, names, 'its inputs are')}`;
  const values: Record<string, InputValue> = {};
  if (entry !== undefined) {
    const given = src.entries(entry.value, 'the inputs', names, '"inputs"', entry.location, (key) => ({
      code: 'unknown-input',
      message: unknown(key),
    }));
    for (const input of given ?? []) {
      const declaration = context.declared.get(input.key);
      if (declaration === undefined) continue;
      const value = inputValue(context, src, input, `input "${input.key}"`, declaration.type, false);
      if (value !== undefined) values[input.key] = value;
    }
  }
  for (const [name, raw] of Object.entries(context.overrides)) {
    const declaration = context.declared.get(name);
    const location = { file: '--input', line: 0, column: 0 };
    if (declaration === undefined) {
      context.errors.add(location, 'unknown-input', unknown(name));
      continue;
    }
    const value = inputValue(
      context,
      undefined,
      { value: null, location },
      `input "${name}"`,
      declaration.type,
      true,
      raw,
    );
    if (value !== undefined) values[name] = value;
  }
  for (const declaration of context.declared.values()) {
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
        `missing required input "${declaration.name}" for ${context.inputsOwner}${about}`,
      );
    }
  }
  // Keep the declaration order, so the graph reads like the flavour.
  context.inputValues = Object.fromEntries(
    names.filter((name) => values[name] !== undefined).map((name) => [name, values[name] as InputValue]),
  );
}

/**
 * Checks a value against an input's type. `coerce` accepts text for numbers and booleans (command-line
 * values); `raw` is such a value, which has no file (`file` is then undefined).
 */
function inputValue(
  context: ReadContext,
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
    raw !== undefined ? (typeof raw === 'string' ? `"${raw}"` : String(raw)) : (file?.describe(node) ?? String(value));
  const fail = () => {
    context.errors.add(
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
