import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter';
import { readOutputFile } from './output-file';
import { ProcessGroup } from './process-group';
import { SecretMasker } from './secret-masker';

/** The variable naming the file a task writes its outputs to (`key=value` lines). */
export const OUTPUT_FILE_VARIABLE = 'PIPEWRIGHT_OUTPUT';

export const DEFAULT_KILL_GRACE_MS = 5_000;

/** After the task's process group is gone, how long a pipe may stay silent before we stop reading it. */
const ORPHANED_PIPE_IDLE_MS = 2_000;

export type OutputStream = 'stdout' | 'stderr';

export interface TaskOutputLine {
  stream: OutputStream;
  /** One line without its line end, secrets masked, at most MAX_LINE_LENGTH characters. */
  text: string;
  /** When the line was read (ISO 8601). */
  time: string;
}

/** How a task run ended, in CDEvents' words. A timeout is a `failure` with `timedOut: true`. */
export type TaskOutcome = 'success' | 'failure' | 'cancel' | 'error';

export interface TaskProcessOptions {
  /** Run with `sh -c`. */
  command: string;
  cwd: string;
  /** The complete environment of the task (nothing is inherited). */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  /** Aborting cancels the task: its process group is terminated and the outcome is `cancel`. */
  signal?: AbortSignal;
  /** Values replaced with `***` in every output line. */
  secrets?: readonly string[];
  /**
   * Receives every line, in order per stream. When it returns a promise, reading that stream
   * waits for it, so a slow consumer slows the task down (through the pipe) instead of making
   * us buffer its output. If it throws or rejects, the task is stopped and the outcome is `error`.
   */
  onLine: (line: TaskOutputLine) => void | Promise<void>;
  /** Between SIGTERM and SIGKILL when the task is stopped. Default 5 s. */
  killGraceMs?: number;
}

export interface TaskProcessResult {
  /** The shell's exit code; null when it was ended by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the shell, e.g. `SIGTERM`. */
  signal: string | null;
  outcome: TaskOutcome;
  timedOut: boolean;
  durationMs: number;
  /** What the task wrote to `$PIPEWRIGHT_OUTPUT`. Not masked: later tasks need the real values. */
  outputs: Record<string, string>;
  /** Why the outcome is `error`: the task could not be started, its output could not be handled... */
  error?: Error;
}

interface PumpState {
  awaitingChunk: boolean;
  idleSince: number;
  stoppedByUs: boolean;
}

/**
 * Runs one task as `sh -c <command>` in a process group of its own and streams its output line
 * by line. Memory stays bounded whatever the task prints: output is split into lines as it
 * arrives (overlong lines in pieces), and `onLine` applies backpressure. On timeout or abort the
 * whole group gets SIGTERM, then SIGKILL after `killGraceMs`; background processes the task left
 * behind are terminated the same way when its shell exits. The task's outputs are read from a
 * file of its own in the process's private temporary directory (mode 0700), removed afterwards.
 */
export async function runTaskProcess(options: TaskProcessOptions): Promise<TaskProcessResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (options.signal?.aborted) {
    return { exitCode: null, signal: null, outcome: 'cancel', timedOut: false, durationMs: 0, outputs: {} };
  }

  const masker = maskerFor(options.secrets);
  let outputFile: string;
  try {
    outputFile = newOutputFile();
  } catch (error) {
    return errorResult(toError(error), elapsed());
  }
  let outputFileExists = true; // until we know it is not there
  let failure: Error | undefined;
  let timedOut = false;
  let cancelled = false;
  try {
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', options.command], {
        cwd: options.cwd,
        env: { ...options.env, [OUTPUT_FILE_VARIABLE]: outputFile },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      return errorResult(toError(error), elapsed());
    }
    const exited = waitForExit(child);
    const { pid, stdout, stderr } = child;
    if (pid === undefined || !stdout || !stderr) {
      // Spawning failed (e.g. the cwd does not exist); the reason comes as an 'error' event.
      const result = await exited;
      return errorResult(result.error ?? new Error('the task process could not be started'), elapsed());
    }

    const group = new ProcessGroup(pid, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    const stop = () => void group.terminate();
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const deliver = async (line: TaskOutputLine) => {
      if (failure) return; // the task is being stopped; drain the pipe without handing out more lines
      try {
        await options.onLine(line);
      } catch (error) {
        failure = toError(error);
        stop();
      }
    };
    const pumps = [
      { stream: stdout, state: newPumpState() },
      { stream: stderr, state: newPumpState() },
    ];
    const drained = Promise.all(
      pumps.map(({ stream, state }, index) =>
        pump(stream, index === 0 ? 'stdout' : 'stderr', state, new LineSplitter({ masker }), deliver),
      ),
    );

    const exit = await exited;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // The shell is gone; whatever it left running in its group goes too, so nothing outlives the task.
    await group.terminate();
    const readErrors = await drainOrphanedPipes(drained, pumps);
    failure ??= readErrors.find((e) => e !== undefined);

    // Most tasks write no outputs: an empty file is known without reading it.
    const written = statSync(outputFile, { throwIfNoEntry: false });
    if (written === undefined) outputFileExists = false;
    const { outputs, problems } =
      written === undefined || (written.isFile() && written.size === 0)
        ? { outputs: {}, problems: [] }
        : await readOutputFile(outputFile);
    for (const problem of problems) {
      await deliver({
        stream: 'stderr',
        text: masker.mask(`pipewright: ${OUTPUT_FILE_VARIABLE}: ${problem}`),
        time: now(),
      });
    }
    const error = failure ?? exit.error;
    return {
      exitCode: exit.code,
      signal: exit.signal,
      outcome: error ? 'error' : cancelled ? 'cancel' : timedOut || exit.code !== 0 ? 'failure' : 'success',
      timedOut,
      durationMs: elapsed(),
      outputs,
      ...(error ? { error } : {}),
    };
  } finally {
    // The task may have made it a directory; rm handles whatever is there.
    if (outputFileExists) await rm(outputFile, { recursive: true, force: true });
  }
}

/**
 * Output files live in one private directory per process (mode 0700, created on first use, removed
 * when the process exits), each task with a path of its own; the task creates the file when it writes
 * an output. A directory per task, or a file created for every task, would cost several file-system
 * calls per task, a measurable part of starting a short one (see bench/engine-overhead.ts): most tasks
 * write no outputs, and for them one `stat` is all it takes. The calls are synchronous: a single local
 * syscall is cheaper than a round trip through the thread pool.
 */
let outputDirectory: string | undefined;
let outputFileCount = 0;
let outputDirectoryCheckedAt = 0;
/** A long-running engine must survive a /tmp clean-up removing the directory; once a second is enough to notice. */
const OUTPUT_DIRECTORY_CHECK_MS = 1000;

function newOutputFile(): string {
  const now = Date.now();
  const check = now - outputDirectoryCheckedAt >= OUTPUT_DIRECTORY_CHECK_MS;
  if (check) outputDirectoryCheckedAt = now;
  if (outputDirectory === undefined || (check && !existsSync(outputDirectory))) {
    if (outputDirectory === undefined) {
      sweepStaleOutputDirectories();
      process.once('exit', () => removeOutputDirectory());
    }
    outputDirectory = mkdtempSync(join(tmpdir(), `${OUTPUT_DIRECTORY_PREFIX}${process.pid}-`));
  }
  return join(outputDirectory, `${++outputFileCount}.outputs`);
}

const OUTPUT_DIRECTORY_PREFIX = 'pipewright-task-';

/**
 * A process killed by a signal leaves its directory behind (there is no 'exit' event then); the next
 * process to start a task removes the directories of processes that are gone. Best effort.
 */
function sweepStaleOutputDirectories(): void {
  const root = tmpdir();
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(OUTPUT_DIRECTORY_PREFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(OUTPUT_DIRECTORY_PREFIX.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // another user's directory, or another process removed it first
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeOutputDirectory(): void {
  if (outputDirectory !== undefined) rmSync(outputDirectory, { recursive: true, force: true });
}

/** A run passes the same secrets array to every task: build its masker once. */
const maskers = new WeakMap<readonly string[], SecretMasker>();
const NO_SECRETS = new SecretMasker([]);

function maskerFor(secrets: readonly string[] | undefined): SecretMasker {
  if (secrets === undefined || secrets.length === 0) return NO_SECRETS;
  let masker = maskers.get(secrets);
  if (masker === undefined) {
    masker = new SecretMasker(secrets);
    maskers.set(secrets, masker);
  }
  return masker;
}

function errorResult(error: Error, durationMs: number): TaskProcessResult {
  return { exitCode: null, signal: null, outcome: 'error', timedOut: false, durationMs, outputs: {}, error };
}

interface Exit {
  code: number | null;
  signal: string | null;
  error?: Error;
}

function waitForExit(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // Only spawn failures arrive here: we signal the group with process.kill, not child.kill.
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}

function newPumpState(): PumpState {
  return { awaitingChunk: false, idleSince: 0, stoppedByUs: false };
}

/**
 * Reads one pipe to its end, line by line. Event-driven rather than `for await` (an async iterator
 * per stream costs as much as a tenth of starting a no-op task); backpressure is the same: the stream
 * is paused while its lines are delivered.
 */
function pump(
  stream: Readable,
  name: 'stdout' | 'stderr',
  state: PumpState,
  splitter: LineSplitter,
  deliver: (line: TaskOutputLine) => Promise<void>,
): Promise<Error | undefined> {
  const emit = async (texts: string[]) => {
    if (texts.length === 0) return;
    // One timestamp per chunk: the lines of a chunk arrived together.
    const time = now();
    for (const text of texts) await deliver({ stream: name, text, time });
  };
  return new Promise((resolve) => {
    let readError: Error | undefined;
    let finished = false;
    let delivering: Promise<void> = Promise.resolve();
    const waitForChunk = () => {
      state.awaitingChunk = true;
      state.idleSince = Date.now();
    };
    const onData = (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines.length === 0) return waitForChunk();
      stream.pause();
      state.awaitingChunk = false;
      delivering = delivering
        .then(() => emit(lines))
        .then(() => {
          if (finished) return;
          waitForChunk();
          stream.resume();
        });
    };
    const onError = (error: unknown) => {
      if (!state.stoppedByUs) readError ??= toError(error);
      finish();
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      state.awaitingChunk = false;
      stream.off('data', onData);
      stream.off('end', finish);
      stream.off('close', finish);
      stream.off('error', onError);
      const done = () => resolve(readError);
      delivering = delivering.then(() => emit(splitter.end())).then(done, done);
    };
    waitForChunk();
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('close', finish);
    stream.on('error', onError);
  });
}

/**
 * Normally both pipes end right after the group is gone. A process that left the group (setsid,
 * a daemon) may still hold them open; once a pipe has been silent for a while we stop reading it
 * rather than wait for that process forever. A pipe that is slow only because `onLine` is slow
 * is never cut: it is not waiting for data.
 */
async function drainOrphanedPipes<T>(
  drained: Promise<T>,
  pumps: readonly { stream: Readable; state: PumpState }[],
): Promise<T> {
  const watchdog = setInterval(() => {
    for (const { stream, state } of pumps) {
      if (state.awaitingChunk && Date.now() - state.idleSince >= ORPHANED_PIPE_IDLE_MS) {
        state.stoppedByUs = true;
        stream.destroy();
      }
    }
  }, 100);
  try {
    return await drained;
  } finally {
    clearInterval(watchdog);
  }
}

function now(): string {
  return new Date().toISOString();
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
