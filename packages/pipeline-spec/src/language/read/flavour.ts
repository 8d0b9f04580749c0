import * as path from 'node:path';
import { suggestion } from '../../errors/suggest';
import { KEYS } from '../document.schema';
import { type Entry, type SourceFile } from '../source-file';
import { type ReadContext } from './read-context';
import { readName } from './scalars';

export interface Flavour {
  name: string;
  file: SourceFile;
  /** The flavour's `inputs:` declarations. */
  inputs: Entry | undefined;
  pipeline: Entry;
}

/**
 * Finds the flavour `flavour:` names in the flavour folders, in order (the first `<name>.yml` or
 * `<name>.yaml` wins), and checks its top level. An unknown name lists the flavours that exist.
 */
export function readFlavour(context: ReadContext, src: SourceFile, entry: Entry): Flavour | undefined {
  const name = readName(src, entry, 'flavour name');
  if (name === undefined) return undefined;
  for (const dir of context.flavourDirs) {
    for (const extension of ['.yml', '.yaml']) {
      const file = context.open(path.join(dir, name + extension));
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
  for (const dir of context.flavourDirs) {
    for (const entryName of context.listDir(dir)) {
      const match = /^(.+)\.ya?ml$/.exec(entryName);
      if (match?.[1] !== undefined) known.add(match[1]);
    }
  }
  const dirs = context.flavourDirs.length > 0 ? context.flavourDirs.join(', ') : 'no flavour folders were given';
  const near = suggestion(name, [...known].sort(), 'known flavours');
  src.error(entry.location, 'unknown-flavour', `unknown flavour "${name}"${near} (looked in: ${dirs})`);
  return undefined;
}
