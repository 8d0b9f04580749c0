import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
 * file in a temporary directory of its own, which is removed afterwards.
 */
export async function runTaskProcess(options: TaskProcessOptions): Promise<TaskProcessResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (options.signal?.aborted) {
    return { exitCode: null, signal: null, outcome: 'cancel', timedOut: false, durationMs: 0, outputs: {} };
  }

  const masker = new SecretMasker(options.secrets);
  const directory = await mkdtemp(join(tmpdir(), 'pipewright-task-'));
  const outputFile = join(directory, 'outputs');
  let failure: Error | undefined;
  let timedOut = false;
  let cancelled = false;
  try {
    await writeFile(outputFile, '', { mode: 0o600 });
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

    const { outputs, problems } = await readOutputFile(outputFile);
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
    await rm(directory, { recursive: true, force: true });
  }
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

async function pump(
  stream: Readable,
  name: 'stdout' | 'stderr',
  state: PumpState,
  splitter: LineSplitter,
  deliver: (line: TaskOutputLine) => Promise<void>,
): Promise<Error | undefined> {
  const emit = async (texts: string[]) => {
    // One timestamp per chunk: the lines of a chunk arrived together.
    const time = now();
    for (const text of texts) await deliver({ stream: name, text, time });
  };
  let readError: Error | undefined;
  try {
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    for (;;) {
      state.awaitingChunk = true;
      state.idleSince = Date.now();
      const next = await chunks.next();
      state.awaitingChunk = false;
      if (next.done) break;
      await emit(splitter.push(next.value));
    }
  } catch (error) {
    if (!state.stoppedByUs) readError = toError(error);
  }
  await emit(splitter.end());
  return readError;
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
