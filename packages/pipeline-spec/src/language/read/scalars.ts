import { isScalar } from 'yaml';
import { type SourceLocation } from '../../errors/spec-error';
import { NAME_PATTERN, OWNER_PATTERN } from '../document.schema';
import { formatDuration, parseDuration } from '../durations';
import { type Entry, type SourceFile, truncate } from '../source-file';

/** Stage and task names: also the parts of task ids (`stage.task`) and of expressions (`tasks.<name>`). */
export const STEP_NAME = new RegExp(NAME_PATTERN);
export const STEP_NAME_RULE = 'use letters, digits, "_" and "-", starting with a letter or digit';
export const OWNER_NAME = new RegExp(OWNER_PATTERN);
export const OWNER_NAME_RULE = 'use letters, digits, ".", "_" and "-", starting with a letter or digit';
/** Input and output names: `inputs.<name>` and `outputs.<name>` in expressions. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const INPUT_NAME_RULE = 'use letters, digits, "_" and "-", starting with a letter or "_"';
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name read from a string value, checked against `pattern` (a step name unless told). */
export function readName(
  file: SourceFile,
  entry: Entry,
  what: string,
  pattern = STEP_NAME,
  rule = STEP_NAME_RULE,
): string | undefined {
  const text = file.string(entry, what.endsWith(' name') ? `the ${what}` : what, 'a name');
  if (text === undefined) return undefined;
  return checkName(file, text, entry.location, what, pattern, rule);
}

/** The name when it matches `pattern` and has at most 100 characters; else reports why not. */
export function checkName(
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

/** A duration in milliseconds, longer than 0 and at most `maxMs`. */
export function readDuration(file: SourceFile, entry: Entry, what: string, maxMs: number): number | undefined {
  const node = entry.value;
  const example = 'a duration like 30s, 5m or 1h';
  if (isScalar(node) && typeof node.value === 'number') {
    // A bare number is the most common slip: say which unit it probably meant.
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
