import { isScalar, isSeq } from 'yaml';
import { type Approval } from '../../graph/pipeline-graph';
import { KEYS } from '../document.schema';
import { type Entry, type SourceFile } from '../source-file';
import { MAX_APPROVAL_TIMEOUT_MS } from './limits';
import { type ReadContext } from './read-context';
import { readDuration } from './scalars';
import { staticText } from './static-text';

/** A stage's `approval`: who may approve (a user, `group:<name>`, a list, or comma-separated), and how long to wait. */
export function readApproval(
  context: ReadContext,
  file: SourceFile,
  entry: Entry,
  where: string,
): Approval | undefined {
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
      const text = staticText(context, file, item, `"approvers" of ${what}`);
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
  const timeoutMs = timeoutEntry && readDuration(file, timeoutEntry, `"timeout" of ${what}`, MAX_APPROVAL_TIMEOUT_MS);
  if (approvers.length === 0) return undefined;
  return timeoutMs === undefined ? { approvers } : { approvers, timeoutMs };
}
