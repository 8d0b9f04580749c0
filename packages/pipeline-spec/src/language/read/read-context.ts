import { type ErrorCollector, type SourceLocation } from '../../errors/spec-error';
import { suggestion } from '../../errors/suggest';
import { type InputValue } from '../../graph/pipeline-graph';
import { type TaskTypeRegistry } from '../../task-types/task-types';
import { SourceFile, type YamlValue } from '../source-file';

/** How the loader reaches files; tests and the engine service pass their own. */
export interface FileAccess {
  /** The file's text, or undefined when it does not exist. */
  readFile(file: string): string | undefined;
  /** Names of the entries of a folder (empty when it does not exist). */
  listDir(dir: string): string[];
}

export type InputType = 'string' | 'number' | 'boolean';

export interface InputDeclaration {
  name: string;
  type: InputType;
  default?: InputValue;
  required: boolean;
  description?: string;
}

/** A value with where it is: an {@link Entry} without its key, e.g. a list item. */
export interface Located {
  value: YamlValue;
  location: SourceLocation;
}

/**
 * What every part of the reader shares while one pipewright.yml is read: where errors go, how files
 * are opened (each once), the task types and flavour folders, and the pipeline's inputs. The inputs
 * are filled in by the flavour before any stage is read, because environments, approvers and pools
 * resolve `${{ inputs.* }}` while they are read.
 */
export class ReadContext {
  private readonly files = new Map<string, SourceFile | undefined>();
  /** Inputs the flavour declares, in declaration order. */
  readonly declared = new Map<string, InputDeclaration>();
  /** The value of each input: given, overridden or defaulted. */
  inputValues: Record<string, InputValue> = {};
  /** Who declares the inputs, for messages: `flavour "x"` or `this pipeline`. */
  inputsOwner = 'this pipeline';

  constructor(
    readonly errors: ErrorCollector,
    private readonly io: FileAccess,
    readonly taskTypes: TaskTypeRegistry,
    readonly flavourDirs: readonly string[],
    /** Command-line values (`--input k=v`), which win over pipewright.yml's `inputs`. */
    readonly overrides: Readonly<Record<string, InputValue>>,
  ) {}

  /** Parses the text the caller already holds and remembers it, so an include of the same file is not read again. */
  addFile(file: string, text: string): SourceFile {
    const src = new SourceFile(file, text, this.errors);
    this.files.set(file, src);
    return src;
  }

  /** The parsed file, or undefined when it cannot be read (a reader that throws counts as missing). */
  open(file: string): SourceFile | undefined {
    if (this.files.has(file)) return this.files.get(file);
    let text: string | undefined;
    try {
      text = this.io.readFile(file);
    } catch {
      text = undefined;
    }
    const src = text === undefined ? undefined : new SourceFile(file, text, this.errors);
    this.files.set(file, src);
    return src;
  }

  /** Entries of a folder; a folder that cannot be listed has none. */
  listDir(dir: string): string[] {
    try {
      return this.io.listDir(dir);
    } catch {
      return [];
    }
  }

  unknownInputMessage(name: string): string {
    const names = [...this.declared.keys()];
    return names.length === 0
      ? `unknown input "${name}"; ${this.inputsOwner} declares no inputs`
      : `unknown input "${name}"${suggestion(name, names, `inputs of ${this.inputsOwner}`)}`;
  }
}
