import * as path from 'node:path';
import { KEYS } from '../document.schema';
import { type Entry, type SourceFile } from '../source-file';
import { type Located, type ReadContext } from './read-context';

/** Where an include may reach while one stage (or the stage list) is read. */
export interface IncludeScope {
  /** Files being included, outermost first, to detect cycles. */
  includeStack: string[];
  /** Folder includes must stay inside: the one of pipewright.yml, or of the flavour file. */
  root: string;
}

/** A fragment's `stages` or `tasks` entry, to read as if it were written where the include is. */
export interface Fragment {
  file: SourceFile;
  entry: Entry;
}

/** Opens the fragment an `include:` names; returns its `stages` or `tasks` entry. */
export function readInclude(
  context: ReadContext,
  file: SourceFile,
  item: Located,
  scope: IncludeScope,
  kind: 'stages' | 'tasks',
): Fragment | undefined {
  const { includeStack, root } = scope;
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
  const fragment = context.open(resolved);
  if (fragment === undefined) {
    file.error(
      entry.location,
      'include-not-found',
      `cannot include "${target}": no such file${resolved === target ? '' : ` (${resolved})`}`,
    );
    return undefined;
  }
  if (!fragment.valid) return undefined;
  return fragmentEntry(file, fragment, entry, target, kind);
}

/** The fragment's one `stages` or `tasks` entry, when it is the kind the include needs. */
function fragmentEntry(
  file: SourceFile,
  fragment: SourceFile,
  include: Entry,
  target: string,
  kind: 'stages' | 'tasks',
): Fragment | undefined {
  const where = `fragment ${path.basename(fragment.file)}`;
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
      include.location,
      'invalid-include',
      `"${target}" holds ${found.key}, but ${place} can only include a fragment with "${kind}"`,
    );
    return undefined;
  }
  return { file: fragment, entry: found };
}

/** The scope inside an included fragment: one more file on the stack. */
export function insideFragment<S extends IncludeScope>(scope: S, fragment: Fragment): S {
  return { ...scope, includeStack: [...scope.includeStack, fragment.file.file] };
}
