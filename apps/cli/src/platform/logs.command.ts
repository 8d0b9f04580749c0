import { flagOption, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import type { CliIo } from '../cli-io';
import { EXIT, type Command } from '../command';
import { colourEnabled, createStyle } from '../output/ansi';
import { clockTime } from '../output/format-duration';
import { FINISHED_RUN_STATUSES, type PlatformClient as Client, PlatformClient, type RunView } from './platform-client';
import { runChanges } from './run-view.format';

const DEFAULT_INTERVAL_MS = 1_000;

export const logsCommand: Command = {
  spec: {
    name: 'logs',
    summary:
      "Print a run's task log lines (and status changes) from the platform; --follow keeps going until the run ends.",
    options: {
      follow: {
        type: 'boolean',
        short: 'F',
        description: 'Keep polling until the run finishes; exit 0 if it succeeded, 1 if not.',
      },
      interval: { type: 'string', valueName: 'ms', description: `Polling interval (default ${DEFAULT_INTERVAL_MS}).` },
    },
    positionals: [{ name: 'run', required: true, description: 'The run id.' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'logs');
    const intervalText = stringOption(args, 'interval');
    const interval = intervalText === undefined ? DEFAULT_INTERVAL_MS : Number(intervalText);
    if (!Number.isInteger(interval) || interval < 10)
      throw new UsageError(
        `--interval must be a whole number of milliseconds, at least 10 (got "${intervalText}")`,
        'logs',
      );
    return followRun(
      client,
      args.positionals[0] ?? '',
      { follow: flagOption(args, 'follow'), intervalMs: interval },
      io,
    );
  },
};

/**
 * Polls `GET /runs/:id` and prints what changed; when the engine has `GET /runs/:id/logs?after=`,
 * prints new log lines too, else says once that log lines need that endpoint.
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
  let logsAvailable = true;
  for (;;) {
    const run = await client.getRun(runId);
    if (logsAvailable) {
      const page = await client.getRunLogs(runId, cursor);
      if (page === undefined) {
        logsAvailable = false;
        io.stderr.write(
          style.yellow(
            'note: the engine has no log endpoint yet (GET /runs/:id/logs); showing status changes only. ' +
              'Task output is on the pipewright.logs topic and in the telemetry backends.\n',
          ),
        );
      } else {
        for (const line of page.lines) io.stdout.write(`${style.dim(`${line.stage}.${line.task} │`)} ${line.text}\n`);
        cursor = page.next;
      }
    }
    for (const change of runChanges(previous, run)) print(change);
    previous = run;
    const finished = FINISHED_RUN_STATUSES.has(run.status);
    if (finished || !options.follow) return finished && run.status !== 'success' ? EXIT.failed : EXIT.ok;
    if (io.signal?.aborted) return EXIT.ok;
    await sleep(options.intervalMs, io.signal);
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
