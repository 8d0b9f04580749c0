/** What kind of mistake a {@link SpecError} reports; stable, so tools can act on it. */
export type SpecErrorCode =
  | 'yaml-syntax'
  | 'file-not-found'
  | 'unknown-key'
  | 'missing-key'
  | 'conflicting-keys'
  | 'invalid-type'
  | 'invalid-value'
  | 'invalid-name'
  | 'invalid-duration'
  | 'duplicate-name'
  | 'unknown-need'
  | 'needs-cycle'
  | 'unknown-task-type'
  | 'unknown-task-input'
  | 'missing-task-input'
  | 'unknown-flavour'
  | 'unknown-input'
  | 'missing-input'
  | 'invalid-input'
  | 'include-not-found'
  | 'include-cycle'
  | 'invalid-include'
  | 'invalid-expression'
  | 'unknown-reference'
  | 'too-many-errors';

/**
 * One problem in a pipeline definition, at the place the user has to change.
 * `line` and `column` are 1-based; `line` 0 means the problem is not in a file (e.g. a `--input` value).
 */
export interface SpecError {
  file: string;
  line: number;
  column: number;
  message: string;
  code: SpecErrorCode;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** `file:line:column: message`, the form editors and terminals turn into links. */
export function format(error: SpecError): string {
  return error.line > 0
    ? `${error.file}:${error.line}:${error.column}: ${error.message}`
    : `${error.file}: ${error.message}`;
}

export function formatErrors(errors: readonly SpecError[]): string {
  return errors.map(format).join('\n');
}

export const DEFAULT_MAX_ERRORS = 50;

/**
 * Collects every error of a load, in the order of the files they were found in and then by position,
 * so that a user fixes them top to bottom. Stops accepting after `limit`.
 */
export class ErrorCollector {
  private readonly errors: SpecError[] = [];
  private readonly seen = new Set<string>();
  private readonly fileOrder = new Map<string, number>();
  private overflow: SpecError | undefined;

  constructor(private readonly limit = DEFAULT_MAX_ERRORS) {}

  /** Registers a file so that its errors sort after those of files seen before it. */
  noteFile(file: string): void {
    if (!this.fileOrder.has(file)) this.fileOrder.set(file, this.fileOrder.size);
  }

  add(location: SourceLocation, code: SpecErrorCode, message: string): void {
    const error: SpecError = { file: location.file, line: location.line, column: location.column, message, code };
    const key = format(error);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.noteFile(location.file);
    if (this.errors.length >= this.limit) {
      this.overflow ??= { ...error, code: 'too-many-errors', message: `too many errors; stopped after ${this.limit}` };
      return;
    }
    this.errors.push(error);
  }

  get count(): number {
    return this.errors.length;
  }

  result(): SpecError[] {
    const order = (file: string) => this.fileOrder.get(file) ?? Number.MAX_SAFE_INTEGER;
    const sorted = [...this.errors].sort(
      (a, b) => order(a.file) - order(b.file) || a.line - b.line || a.column - b.column,
    );
    return this.overflow ? [...sorted, this.overflow] : sorted;
  }
}
