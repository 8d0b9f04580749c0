/** Where a command writes, what it reads and where it runs: the real process in `main.ts`, captured streams in tests. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Answers to prompts (approvals); interactive only when it is a TTY. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** The directory the command was started in; relative paths are resolved against it. */
  cwd: string;
  /** Stops a running command as Ctrl-C does (a run is cancelled and cleaned up). */
  signal?: AbortSignal;
}

export interface OutputStream {
  write(text: string): unknown;
  /** A terminal: live views and colours. */
  isTTY?: boolean;
  columns?: number;
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}
