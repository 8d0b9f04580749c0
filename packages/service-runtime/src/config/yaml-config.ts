import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/** One problem in a YAML config file, where an editor can jump to it. */
export interface YamlConfigProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Dotted path of the offending value, e.g. `tokens.2.sha256`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export function formatYamlConfigProblem(problem: YamlConfigProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

export type YamlConfigResult<T> =
  | {
      ok: true;
      data: T;
      /** A problem at the value of `path` (or its nearest ancestor written in the file), for checks beyond the schema. */
      problemAt(path: readonly string[], message: string): YamlConfigProblem;
    }
  | { ok: false; problems: YamlConfigProblem[] };

/**
 * Parses a YAML config file and validates it with a zod schema. Every problem (YAML syntax, duplicate
 * keys, schema) comes with the file, line and column of the value at fault (an unknown key where it is
 * written), so a bad file is fixed in one go.
 */
export function parseYamlConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): YamlConfigResult<z.output<S>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, column: col };
  };
  const problemAt = (path: readonly string[], message: string): YamlConfigProblem => ({
    ...at(nodeOffset(document, path)),
    path: path.join('.'),
    message,
  });

  if (document.errors.length > 0)
    return {
      ok: false,
      problems: document.errors.map((error) => ({ ...at(error.pos[0]), path: '', message: firstLine(error.message) })),
    };
  const result = schema.safeParse(document.toJS());
  if (result.success) return { ok: true, data: result.data, problemAt };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue): YamlConfigProblem[] => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => ({
          ...at(keyOffset(document, path, key) ?? nodeOffset(document, path)),
          path: [...path, key].join('.'),
          message: 'unknown key',
        }));
      return [problemAt(path, issue.message)];
    }),
  };
}

/** Start offset of the node at `path`, or of its nearest existing ancestor (a missing key points at its map). */
function nodeOffset(document: Document, path: readonly string[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth).map(asKey), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function keyOffset(document: Document, mapPath: readonly string[], key: string): number | undefined {
  const map = mapPath.length === 0 ? document.contents : document.getIn(mapPath.map(asKey), true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** Sequence items (and numeric keys) are addressed by number in the yaml library's paths. */
function asKey(segment: string): string | number {
  return /^\d+$/.test(segment) ? Number(segment) : segment;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
