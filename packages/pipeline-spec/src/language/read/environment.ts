import { isMap, isScalar } from 'yaml';
import { suggestion } from '../../errors/suggest';
import { type StageEnvironment } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type Entry, type SourceFile, truncate } from '../source-file';
import { readEnvMap } from './env-map';
import { DEFAULT_READY_TIMEOUT_S, MAX_READY_TIMEOUT_MS } from './limits';
import { type ReadContext } from './read-context';
import { readDuration, readName, STEP_NAME, STEP_NAME_RULE } from './scalars';
import { staticText } from './static-text';

/**
 * A stage's `environment`: a name (long-lived), or a map whose `ephemeral` part (or the same keys
 * written flat) describes how to create one for the run.
 */
export function readEnvironment(
  context: ReadContext,
  file: SourceFile,
  entry: Entry,
  where: string,
): StageEnvironment | undefined {
  const node = entry.value;
  const what = `the environment of ${where}`;
  if (isScalar(node) && typeof node.value === 'string') {
    const name = staticText(context, file, entry, what);
    return name !== undefined && environmentName(file, entry, name) ? { lifetime: 'long-lived', name } : undefined;
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
    name = staticText(context, file, nameEntry, `"name" of ${what}`);
    if (name !== undefined && !environmentName(file, nameEntry, name)) name = undefined;
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
  if (size !== undefined) sizeName = readName(file, size, `"size" of ${what}`) ?? sizeName;
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
    commandEntry === undefined ? undefined : staticText(context, file, commandEntry, `"command" of ${specWhat}`);
  if (commandEntry === undefined)
    file.missing(
      ephemeral?.value ?? node,
      'command',
      KEYS.ephemeral,
      specLocation,
      `missing key "command" in ${specWhat}; expected the command that starts the service (it must listen on $PORT)`,
    );
  const cwdEntry = specFields.get('cwd');
  const cwd = cwdEntry && staticText(context, file, cwdEntry, `"cwd" of ${specWhat}`);
  const healthEntry = specFields.get('healthPath');
  let healthPath = '/';
  if (healthEntry !== undefined) {
    const text = staticText(context, file, healthEntry, `"healthPath" of ${specWhat}`);
    if (text !== undefined && !text.startsWith('/'))
      file.error(
        healthEntry.location,
        'invalid-value',
        `"healthPath" of ${specWhat} must start with "/"; found "${truncate(text)}"`,
      );
    else if (text !== undefined) healthPath = text;
  }
  const readyEntry = specFields.get('readyTimeout');
  const readyMs = readyEntry && readDuration(file, readyEntry, `"readyTimeout" of ${specWhat}`, MAX_READY_TIMEOUT_MS);
  const env = readEnvMap(context, file, specFields.get('env'), specWhat, 'static');
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

function environmentName(file: SourceFile, entry: Entry, name: string): boolean {
  if (STEP_NAME.test(name) && name.length <= 100) return true;
  file.error(entry.location, 'invalid-name', `environment name "${truncate(name)}" is not valid: ${STEP_NAME_RULE}`);
  return false;
}
