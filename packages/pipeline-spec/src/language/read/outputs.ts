import { isMap, isScalar, isSeq } from 'yaml';
import { type Entry, type SourceFile, truncate } from '../source-file';
import { type Located } from './read-context';
import { INPUT_NAME, INPUT_NAME_RULE } from './scalars';

/**
 * A task's `outputs`: a list of names, or a map of name to description. Later tasks may only refer to
 * outputs listed here, so a typo in a reference is caught before the run.
 */
export function readOutputs(file: SourceFile, entry: Entry, where: string): string[] {
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
        `output name ${name === undefined ? file.describe(item.value) : `"${truncate(name)}"`} in ${where} is not valid: ${INPUT_NAME_RULE}`,
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
