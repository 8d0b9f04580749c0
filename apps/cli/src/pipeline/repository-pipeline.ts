import * as fs from 'node:fs';
import * as path from 'node:path';
import { type InputValue, loadPipeline, type LoadResult, type SpecError } from '@pipewright/pipeline-spec';
import type { CliIo } from '../cli-io';

export const DEFAULT_PIPELINE_FILE = 'pipewright.yml';
/** A repository's own flavours, searched after `--flavours` folders. */
export const REPOSITORY_FLAVOURS_DIR = path.join('.pipewright', 'flavours');
/** The platform's flavours on this machine: a path list, searched last. */
export const FLAVOURS_VARIABLE = 'PIPEWRIGHT_FLAVOURS';

/** Where a command finds the pipeline: the file as the user named it, the repository it belongs to, the flavour folders. */
export interface PipelineLocation {
  /** As given (relative to the working directory): errors name it this way. */
  file: string;
  /** Absolute: the folder holding the pipeline file; tasks run here and run data goes under it. */
  repositoryDir: string;
  /** As given, in search order. */
  flavourDirs: string[];
  /** Resolves a path as given against the working directory. */
  absolute(file: string): string;
}

export function locatePipeline(
  io: CliIo,
  options: { file?: string | undefined; flavours?: readonly string[] },
): PipelineLocation {
  const file = options.file ?? DEFAULT_PIPELINE_FILE;
  const absolute = (p: string) => path.resolve(io.cwd, p);
  const repositoryDir = path.dirname(absolute(file));
  const fromEnv = (io.env[FLAVOURS_VARIABLE] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const repositoryFlavours = path.relative(io.cwd, path.join(repositoryDir, REPOSITORY_FLAVOURS_DIR)) || '.';
  return {
    file,
    repositoryDir,
    flavourDirs: [...(options.flavours ?? []), repositoryFlavours, ...fromEnv],
    absolute,
  };
}

/** Loads the pipeline with paths relative to the command's working directory (not necessarily the process's). */
export function loadFromLocation(
  location: PipelineLocation,
  inputs: Readonly<Record<string, InputValue>> = {},
): LoadResult {
  return loadPipeline({
    file: location.file,
    flavourDirs: location.flavourDirs,
    inputs,
    readFile: (file) => {
      try {
        return fs.readFileSync(location.absolute(file), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
        throw error;
      }
    },
    listDir: (dir) => {
      try {
        return fs.readdirSync(location.absolute(dir));
      } catch {
        return [];
      }
    },
  });
}

/** Errors about `--input` values rather than the file: the command line is wrong (exit 2), not the pipeline. */
export function isInputError(error: SpecError): boolean {
  return error.line === 0 && error.file === '--input';
}
