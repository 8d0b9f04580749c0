import { open } from 'node:fs/promises';

/** Outputs are small values passed to later tasks; a bigger file is a mistake, not data to keep. */
export const MAX_OUTPUT_FILE_BYTES = 1024 * 1024;

export interface ParsedOutputs {
  outputs: Record<string, string>;
  /** One sentence per line that was ignored, for the task's log. */
  problems: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses the file a task wrote to `$PIPEWRIGHT_OUTPUT`: `key=value` lines, and for values with
 * newlines a heredoc (`key<<EOF`, the lines, `EOF`), as GitHub Actions does. Blank lines are
 * skipped; a later value for the same key wins; bad lines are reported and skipped.
 */
export function parseOutputs(text: string): ParsedOutputs {
  const outputs = new Map<string, string>();
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const lineNumber = index + 1;
    if (line.trim() === '') continue;
    const heredoc = /^([^=]*?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key = '', delimiter = ''] = heredoc;
      const end = lines.indexOf(delimiter, index + 1);
      if (!KEY.test(key)) {
        problems.push(`line ${lineNumber}: "${key}" is not a valid output name`);
      } else if (end === -1) {
        problems.push(`line ${lineNumber}: no closing "${delimiter}" for output "${key}"`);
        break;
      } else {
        outputs.set(key, lines.slice(index + 1, end).join('\n'));
      }
      if (end !== -1) index = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals === -1) {
      problems.push(`line ${lineNumber}: expected key=value`);
      continue;
    }
    const key = line.slice(0, equals);
    if (!KEY.test(key)) {
      problems.push(`line ${lineNumber}: "${key}" is not a valid output name`);
      continue;
    }
    outputs.set(key, line.slice(equals + 1));
  }
  // fromEntries defines own properties, so a key like `__proto__` is just a key.
  return { outputs: Object.fromEntries(outputs), problems };
}

/** Reads and parses an outputs file; a missing file means no outputs, an oversized one is ignored. */
export async function readOutputFile(path: string, maxBytes = MAX_OUTPUT_FILE_BYTES): Promise<ParsedOutputs> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outputs: {}, problems: [] };
    throw error;
  }
  try {
    // Read at most one byte past the limit: enough to know it is too big without reading all of it.
    const { size } = await file.stat();
    const buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) {
      return { outputs: {}, problems: [`the file is larger than ${maxBytes} bytes; no outputs were read`] };
    }
    return parseOutputs(buffer.toString('utf8', 0, length));
  } finally {
    await file.close();
  }
}
