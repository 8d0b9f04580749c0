import { isMap, isScalar } from 'yaml';
import { type ExpressionSite } from '../raw-pipeline';
import { type Entry, type SourceFile, truncate } from '../source-file';
import { templateSites } from './expression-sites';
import { type ReadContext } from './read-context';
import { ENV_NAME } from './scalars';
import { staticText } from './static-text';

/**
 * An `env:` map. A task's (`runtime`) values keep their `${{ … }}` for the engine, which sees the
 * run's results; an environment's (`static`) values are resolved now, from inputs only, because the
 * environment is provisioned before anything of the run exists.
 */
export function readEnvMap(
  context: ReadContext,
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
        ? staticText(context, file, located, `"env.${key}" of ${where}`, true)
        : file.scalarText(located, `"env.${key}" of ${where}`);
    if (text === undefined) continue;
    if (kind === 'runtime') expressions?.push(...templateSites(file, value, located.location));
    out[key] = text;
  }
  return out;
}
