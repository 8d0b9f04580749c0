import { open } from 'node:fs/promises';

/** The last `maxLines` lines of a file (reading at most its last `maxBytes`), for failure reasons. */
export async function tailOfFile(path: string, maxLines = 20, maxBytes = 4_096): Promise<string> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split(/\r?\n/);
    // A cut-off first line is noise when we did not read from the start.
    if (length < size) lines.shift();
    return lines
      .map((line) => line.trimEnd())
      .filter((line) => line.length > 0)
      .slice(-maxLines)
      .join('\n');
  } finally {
    await file.close();
  }
}
