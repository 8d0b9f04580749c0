import { isMap, isScalar } from 'yaml';
import { type RetryPolicy } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { formatDuration } from '../durations';
import { type Entry, type SourceFile } from '../source-file';
import { DEFAULT_RETRY, MAX_TIMEOUT_MS } from './limits';
import { readDuration } from './scalars';

/** `retry: 3`, or `retry: { attempts, backoff: { initial, max, jitter } }`; what is not given keeps its default. */
export function readRetry(file: SourceFile, entry: Entry, where: string): RetryPolicy {
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
      readDuration(file, initial, `"initial" of ${backoffWhat}`, MAX_TIMEOUT_MS) ?? retry.initialDelayMs;
  const max = backoffFields?.get('max');
  if (max !== undefined) {
    const ms = readDuration(file, max, `"max" of ${backoffWhat}`, MAX_TIMEOUT_MS);
    if (ms !== undefined && ms < retry.initialDelayMs)
      file.error(
        max.location,
        'invalid-value',
        `"max" of ${backoffWhat} (${formatDuration(ms)}) must not be shorter than "initial" (${formatDuration(retry.initialDelayMs)})`,
      );
    else if (ms !== undefined) retry.maxDelayMs = ms;
  } else if (retry.initialDelayMs > retry.maxDelayMs) {
    // Only "initial" given, and longer than the default max: the delays stay at "initial".
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
