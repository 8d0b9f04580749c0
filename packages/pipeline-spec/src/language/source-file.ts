import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { type ErrorCollector, type SourceLocation, type SpecErrorCode } from '../errors/spec-error';
import { nearest, suggestion } from '../errors/suggest';

/** A YAML value in the syntax tree, aliases resolved. `null` for a missing value. */
export type YamlValue = YAMLMap<unknown, unknown> | YAMLSeq<unknown> | Scalar<unknown> | null;

/** One `key: value` of a map, with where both are. */
export interface Entry {
  key: string;
  keyLocation: SourceLocation;
  value: YamlValue;
  /** Where the value is; the key's location when the value is missing. */
  location: SourceLocation;
}

const YAML_MESSAGES: Record<string, string> = {
  TAB_AS_INDENT: 'tab used for indentation; indent with spaces',
  MULTIPLE_DOCS: 'the file holds more than one YAML document; expected one',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted',
};

/**
 * One parsed file: its text, syntax tree and line table, plus the helpers that read values from it
 * and report what is wrong at the right `file:line:column`.
 */
export class SourceFile {
  private readonly lineCounter = new LineCounter();
  readonly document: Document.Parsed;
  /** False when the YAML itself is malformed; the tree is then not read further. */
  readonly valid: boolean;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly errors: ErrorCollector,
  ) {
    errors.noteFile(file);
    this.document = parseDocument(text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      merge: true,
      uniqueKeys: true,
    });
    const lines = new Set<number>();
    for (const error of this.document.errors) {
      const location = this.location(error.pos[0]);
      // One message per line: a YAML mistake often confuses the parser for the rest of the line.
      if (lines.has(location.line)) continue;
      lines.add(location.line);
      let message = `YAML syntax error: ${YAML_MESSAGES[error.code] ?? lowerFirst(error.message)}`;
      if (error.code === 'DUPLICATE_KEY')
        message = `duplicate key "${this.duplicateKeyName(error.pos[0]) ?? ''}"; each key may appear once in a map`;
      else if (error.code === 'UNEXPECTED_TOKEN' && this.lineText(location.line).includes('${{'))
        message += '; a value with ${{ … }} inside { … } or [ … ] must be quoted';
      errors.add(location, 'yaml-syntax', message);
    }
    this.valid = this.document.errors.length === 0;
  }

  private duplicateKeyName(offset: number): string | undefined {
    const match = /^["']?([^"':\n]+)/.exec(this.text.slice(offset));
    return match?.[1]?.trim();
  }

  private lineText(line: number): string {
    return this.text.split('\n')[line - 1] ?? '';
  }

  location(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  locationOf(node: unknown, fallback?: SourceLocation): SourceLocation {
    const range = (node as Node | null)?.range;
    if (range && !(isScalar(node) && node.value === null && fallback)) return this.location(range[0]);
    return fallback ?? this.location(0);
  }

  get root(): YamlValue {
    return this.resolve(this.document.contents);
  }

  /** Follows aliases (`*name`) to the node they name. */
  resolve(node: unknown): YamlValue {
    let current = node;
    for (let depth = 0; depth < 100 && isAlias(current); depth++) current = current.resolve(this.document);
    if (isMap(current) || isSeq(current) || isScalar(current)) return current;
    return null;
  }

  error(location: SourceLocation, code: SpecErrorCode, message: string): void {
    this.errors.add(location, code, message);
  }

  /** "a map", "a list", 'the string "x"', "the number 3", "true", "nothing". */
  describe(node: YamlValue): string {
    if (node === null) return 'nothing';
    if (isMap(node)) return 'a map';
    if (isSeq(node)) return 'a list';
    const value = node.value;
    if (value === null || value === undefined) return 'nothing';
    if (typeof value === 'string') return `the string "${truncate(value)}"`;
    if (typeof value === 'number') return `the number ${node.source ?? String(value)}`;
    if (typeof value === 'boolean') return String(value);
    return 'a value';
  }

  /**
   * The entries of a map, with unknown keys reported against `known` (and a suggestion for typos).
   * Merge keys (`<<: *anchor`) are expanded; keys written in the map win. Returns undefined when the
   * node is not a map (after reporting that, as `what` "must be a map").
   */
  entries(
    node: YamlValue,
    where: string,
    known: readonly string[],
    what: string,
    location: SourceLocation,
    unknownKey: (key: string) => { code: SpecErrorCode; message: string } = (key) => ({
      code: 'unknown-key',
      message: `unknown key "${key}" in ${where}${suggestion(key, known)}`,
    }),
  ): Entry[] | undefined {
    if (!isMap(node)) {
      this.error(location, 'invalid-type', `${what} must be a map; found ${this.describe(node)}`);
      return undefined;
    }
    const out: Entry[] = [];
    const seen = new Set<string>();
    const visit = (map: YAMLMap<unknown, unknown>, merged: boolean, depth: number) => {
      const merges: unknown[] = [];
      for (const pair of map.items) {
        const keyNode = pair.key;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          merges.push(pair.value);
          continue;
        }
        const keyLocation = this.locationOf(keyNode);
        if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
          this.error(
            keyLocation,
            'invalid-type',
            `keys in ${where} must be plain words; found ${this.describe(this.resolve(keyNode))}`,
          );
          continue;
        }
        const key = String(keyNode.value);
        if (seen.has(key)) continue;
        seen.add(key);
        if (!known.includes(key)) {
          if (!merged) {
            const problem = unknownKey(key);
            this.error(keyLocation, problem.code, problem.message);
          }
          continue;
        }
        const value = this.resolve(pair.value);
        out.push({ key, keyLocation, value, location: this.locationOf(value, keyLocation) });
      }
      for (const merge of merges) {
        const source = this.resolve(merge);
        const maps = isSeq(source) ? source.items.map((item) => this.resolve(item)) : [source];
        for (const m of maps) if (isMap(m) && depth < 10) visit(m, true, depth + 1);
      }
    };
    visit(node, false, 0);
    return out;
  }

  /** Whether the map has an unknown key that looks like a typo of `key` (then "missing key" would only repeat it). */
  hasTypoOf(node: YamlValue, key: string, known: readonly string[]): boolean {
    if (!isMap(node)) return false;
    return node.items.some((pair) => {
      const k = isScalar(pair.key) ? pair.key.value : undefined;
      return typeof k === 'string' && !known.includes(k) && nearest(k, known) === key;
    });
  }

  /** Reports a missing key, unless a typo of it was reported already. */
  missing(node: YamlValue, key: string, known: readonly string[], location: SourceLocation, message: string): void {
    if (!this.hasTypoOf(node, key, known)) this.error(location, 'missing-key', message);
  }

  /** `entries` as a lookup by key. */
  fields(
    node: YamlValue,
    where: string,
    known: readonly string[],
    what: string,
    location: SourceLocation,
  ): Map<string, Entry> | undefined {
    const entries = this.entries(node, where, known, what, location);
    return entries && new Map(entries.map((entry) => [entry.key, entry]));
  }

  /** A list's items, aliases resolved; reports anything else. */
  items(
    node: YamlValue,
    what: string,
    location: SourceLocation,
    expected = 'a list',
  ): { value: YamlValue; location: SourceLocation }[] | undefined {
    if (!isSeq(node)) {
      this.error(location, 'invalid-type', `${what} must be ${expected}; found ${this.describe(node)}`);
      return undefined;
    }
    return node.items.map((item) => {
      const value = this.resolve(item);
      return { value, location: this.locationOf(value, location) };
    });
  }

  string(
    entry: { value: YamlValue; location: SourceLocation },
    what: string,
    expected = 'a string',
  ): string | undefined {
    const node = entry.value;
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
    const found = isScalar(node) && node.value === '' ? 'an empty string' : this.describe(node);
    const quoteHint =
      isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'boolean') && expected === 'a string'
        ? ` (write "${node.source ?? String(node.value)}" in quotes)`
        : '';
    this.error(entry.location, 'invalid-type', `${what} must be ${expected}; found ${found}${quoteHint}`);
    return undefined;
  }

  /** A string, number or boolean written as text (env values: `PORT: 8080` is "8080", as written). */
  scalarText(entry: { value: YamlValue; location: SourceLocation }, what: string): string | undefined {
    const node = entry.value;
    if (isScalar(node)) {
      if (typeof node.value === 'string') return node.value;
      if (typeof node.value === 'number' || typeof node.value === 'boolean') return node.source ?? String(node.value);
    }
    this.error(entry.location, 'invalid-type', `${what} must be a string; found ${this.describe(node)}`);
    return undefined;
  }

  boolean(entry: { value: YamlValue; location: SourceLocation }, what: string): boolean | undefined {
    const node = entry.value;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(entry.location, 'invalid-type', `${what} must be true or false; found ${this.describe(node)}`);
    return undefined;
  }

  integer(
    entry: { value: YamlValue; location: SourceLocation },
    what: string,
    min: number,
    max: number,
  ): number | undefined {
    const node = entry.value;
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) {
      if (node.value >= min && node.value <= max) return node.value;
      this.error(entry.location, 'invalid-value', `${what} must be between ${min} and ${max}; found ${node.value}`);
      return undefined;
    }
    this.error(entry.location, 'invalid-type', `${what} must be a whole number; found ${this.describe(node)}`);
    return undefined;
  }

  /** Plain JSON of a node (for `with` values), aliases and merges resolved. */
  toJson(node: YamlValue): unknown {
    return node === null ? null : (node.toJS(this.document) as unknown);
  }

  /**
   * The file location of character `index` of a string scalar's value. Exact when the text there is
   * written verbatim (plain and quoted scalars, and anything after a `${{`), else the nearest anchor:
   * the `${{` before it (`anchor`, an index in the value) or the start of the value.
   */
  locate(node: YamlValue, fallback: SourceLocation, index: number, anchor?: number): SourceLocation {
    const range = node?.range;
    if (!range || !isScalar(node) || typeof node.value !== 'string') return fallback;
    const value = node.value;
    let base: { index: number; offset: number } | undefined;
    if (anchor !== undefined) {
      const raw = this.text.slice(range[0], range[1]);
      const occurrence = countOccurrences(value.slice(0, anchor), '${{');
      let at = -1;
      for (let n = 0; n <= occurrence; n++) {
        at = raw.indexOf('${{', at + 1);
        if (at < 0) break;
      }
      if (at >= 0) base = { index: anchor, offset: range[0] + at };
    } else if (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
      base = { index: 0, offset: range[0] + (node.type === 'PLAIN' ? 0 : 1) };
    }
    if (base === undefined) return fallback;
    const offset = base.offset + (index - base.index);
    const length = Math.max(1, Math.min(3, value.length - index));
    const verbatim =
      this.text.slice(offset, offset + length) === value.slice(index, index + length) &&
      !this.text.slice(base.offset, offset).includes('\n');
    return this.location(verbatim ? offset : base.offset);
  }
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function truncate(text: string, max = 40): string {
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
