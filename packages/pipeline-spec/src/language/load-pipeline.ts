import * as fs from 'node:fs';
import { DEFAULT_MAX_ERRORS, ErrorCollector, type SpecError } from '../errors/spec-error';
import { type InputValue, type PipelineGraph } from '../graph/pipeline-graph';
import { builtInTaskTypes, type TaskTypeRegistry } from '../task-types/task-types';
import { type FileAccess, ReadContext } from './read/read-context';
import { readPipeline } from './read/read-pipeline';
import { resolveGraph } from './resolve/resolve-graph';

export interface LoadOptions {
  /** Folders with flavour files (`<name>.yml`), searched in order: e.g. the repository's `.pipewright/flavours`, then the platform's. */
  flavourDirs?: readonly string[];
  /** Task types `uses:` may name, with their inputs; default {@link builtInTaskTypes}. */
  taskTypes?: TaskTypeRegistry;
  /** Reads a file; return undefined when it does not exist. Default: the file system. Paths are as given (relative to the process's cwd). */
  readFile?: (file: string) => string | undefined;
  /** Lists a folder (to suggest flavour names); default: the file system. */
  listDir?: (dir: string) => string[];
  /** Input values that win over pipewright.yml's `inputs` (`pipewright run --input k=v`); text is converted to the declared type. */
  inputs?: Readonly<Record<string, InputValue>>;
  /** Stop collecting after this many errors; default 50. */
  maxErrors?: number;
}

export type LoadResult = { ok: true; graph: PipelineGraph } | { ok: false; errors: SpecError[] };

function readFromDisk(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

function listFromDisk(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Parses pipewright.yml text that is already in memory; `file` names it in errors and anchors relative includes. */
export function parsePipelineText(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const errors = new ErrorCollector(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const io: FileAccess = { readFile: options.readFile ?? readFromDisk, listDir: options.listDir ?? listFromDisk };
  const context = new ReadContext(
    errors,
    io,
    options.taskTypes ?? builtInTaskTypes,
    options.flavourDirs ?? [],
    options.inputs ?? {},
  );
  const read = readPipeline(context, file, text);
  const graph = read && resolveGraph(read, errors, (name) => context.unknownInputMessage(name));
  const found = errors.result();
  if (graph === undefined || found.length > 0) return { ok: false, errors: found };
  return { ok: true, graph };
}

/**
 * Loads a pipewright.yml with its flavour and includes into one {@link PipelineGraph}, or every error
 * found (each at `file:line:column`), before anything runs.
 */
export function loadPipeline(options: LoadOptions & { file: string }): LoadResult {
  const read = options.readFile ?? readFromDisk;
  let text: string | undefined;
  let reason = 'no such file';
  try {
    text = read(options.file);
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (text === undefined)
    return {
      ok: false,
      errors: [
        {
          file: options.file,
          line: 1,
          column: 1,
          code: 'file-not-found',
          message: `cannot read the pipeline: ${reason}`,
        },
      ],
    };
  return parsePipelineText(text, options.file, options);
}
