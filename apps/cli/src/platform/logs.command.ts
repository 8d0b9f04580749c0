import { flagOption, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import type { CliIo } from '../cli-io';
import { EXIT, type Command } from '../command';
import { colourEnabled, createStyle, type Style } from '../output/ansi';
import { clockTime } from '../output/format-duration';
import { FINISHED_RUN_STATUSES, type PlatformClient as Client, PlatformClient, type RunView } from './platform-client';
import { runChanges } from './run-view.format';

export const DEFAULT_INTERVAL_MS = 1_000;

export const intervalOption = {
  type: 'string',
  valueName: 'ms',
  description: `Polling interval while following (default ${DEFAULT_INTERVAL_MS}).`,
} as const;

/** `--follow` of a command that starts a run (trigger, rerun): then follow it as `logs --follow` does. */
export const followStartedRunOption = {
  type: 'boolean',
  short: 'F',
  description: 'Then print its log lines and status changes until it ends; exit 0 if it succeeded, 1 if not.',
} as const;

/** `--interval`: whole milliseconds, at least 10. */
export function parseInterval(text: string | undefined, command: string): number {
  if (text === undefined) return DEFAULT_INTERVAL_MS;
  const interval = Number(text);
  if (!Number.isInteger(interval) || interval < 10)
    throw new UsageError(`--interval must be a whole number of milliseconds, at least 10 (got "${text}")`, command);
  return interval;
}

export const logsCommand: Command = {
  spec: {
    name: 'logs',
    summary:
      "Print a run's task log lines (and status changes) from the platform; --follow keeps going until the run ends.",
    options: {
      follow: {
        type: 'boolean',
        short: 'F',
        description: 'Keep going until the run finishes; exit 0 if it succeeded, 1 if not.',
      },
      interval: intervalOption,
    },
    positionals: [{ name: 'run', required: true, description: 'The run id.' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'logs');
    const intervalMs = parseInterval(stringOption(args, 'interval'), 'logs');
    return followRun(client, args.positionals[0] ?? '', { follow: flagOption(args, 'follow'), intervalMs }, io);
  },
};

/**
 * Prints the run's log lines (`<stage>.<task> │ line`, as a local run does) and its status changes;
 * with `follow`, polls until the run is over. Exit 1 when the run ended without success.
 */
export async function followRun(
  client: Client,
  runId: string,
  options: { follow: boolean; intervalMs: number },
  io: CliIo,
): Promise<number> {
  const style = createStyle(colourEnabled(io.stdout.isTTY, io.env));
  const print = (text: string) => io.stdout.write(`${style.dim(clockTime(new Date()))} ${text}\n`);
  let previous: RunView | undefined;
  let cursor: string | undefined;
  for (;;) {
    // The run first: a task's lines are all in the engine's tail before it is reported finished, so
    // the lines read next include everything up to the statuses printed after them.
    const run = await client.getRun(runId);
    cursor = await printNewLines(client, runId, cursor, io, style);
    for (const change of runChanges(previous, run)) print(change);
    previous = run;
    const finished = FINISHED_RUN_STATUSES.has(run.status);
    if (finished || !options.follow) return finished && run.status !== 'success' ? EXIT.failed : EXIT.ok;
    if (io.signal?.aborted) return EXIT.ok;
    await sleep(options.intervalMs, io.signal);
  }
}

/** Prints every line after `cursor`, page after page; returns the cursor after them. */
async function printNewLines(
  client: Client,
  runId: string,
  cursor: string | undefined,
  io: CliIo,
  style: Style,
): Promise<string | undefined> {
  for (;;) {
    const page = await client.getRunLogs(runId, cursor);
    for (const gap of page.dropped)
      io.stdout.write(
        style.yellow(
          `${gap.stage}.${gap.task} │ … ${gap.lines} earlier line${gap.lines === 1 ? '' : 's'} not kept by the engine (its whole output is on the logs topic)\n`,
        ),
      );
    for (const line of page.lines) io.stdout.write(`${style.dim(`${line.stage}.${line.task} │`)} ${line.text}\n`);
    cursor = page.next;
    if (!page.more) return cursor;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
