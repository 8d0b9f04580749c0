import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli';
import type { CliIo } from '../src/cli-io';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Lines typed at the (pretend) terminal; makes stdin a TTY. */
  answers?: string[];
  signal?: AbortSignal;
}

/** Runs `pipewright <argv>` in this process, as main.ts would, with captured output and no colours. */
export async function pipewright(argv: string[], options: CliOptions): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: options.answers !== undefined });
  if (options.answers) stdin.end(options.answers.map((a) => `${a}\n`).join(''));
  else stdin.end();
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed after the test file. */
export function tempDir(prefix = 'pipewright-cli-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

/** A temporary repository holding the given files (paths relative to it). */
export function tempRepository(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

export const repoRoot = path.resolve(__dirname, '../../..');
