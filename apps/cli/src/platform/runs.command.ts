import { flagOption, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import { EXIT, type Command } from '../command';
import { paintStatus } from '../local-run/progress/progress-symbols';
import { colourEnabled, createStyle } from '../output/ansi';
import { formatElapsed } from '../output/format-duration';
import { formatTable } from '../output/table';
import { PlatformClient } from './platform-client';

export const runsCommand: Command = {
  spec: {
    name: 'runs',
    summary: 'List runs on the platform, newest first (GET /runs): the ones your token may see.',
    options: {
      component: { type: 'string', valueName: 'name', description: "Only this component's runs." },
      team: { type: 'string', valueName: 'name', description: "Only this team's runs." },
      status: {
        type: 'string',
        valueName: 'status[,status]',
        description: 'Only runs in these states: queued, running, success, failure, cancel, error.',
      },
      limit: { type: 'string', valueName: 'n', description: 'At most this many (default 20, at most 200).' },
      after: { type: 'string', valueName: 'cursor', description: 'The page after the one that printed this cursor.' },
      json: { type: 'boolean', description: 'Print the engine’s answer as JSON.' },
    },
    positionals: [],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'runs');
    const limitText = stringOption(args, 'limit') ?? '20';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new UsageError(`--limit must be a whole number from 1 to 200 (got "${limitText}")`, 'runs');
    const filter = {
      component: stringOption(args, 'component'),
      team: stringOption(args, 'team'),
      status: stringOption(args, 'status'),
      after: stringOption(args, 'after'),
      limit,
    };
    const list = await client.listRuns(filter);
    if (flagOption(args, 'json')) {
      io.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return EXIT.ok;
    }
    const style = createStyle(colourEnabled(io.stdout.isTTY, io.env));
    const rows = list.runs.map((run) => [
      run.id,
      run.component,
      run.version ?? '',
      paintStatus(run.status, style),
      run.createdAt.replace('T', ' ').slice(0, 19),
      run.durationMs === null ? '' : formatElapsed(run.durationMs),
      run.revision?.slice(0, 12) ?? '',
    ]);
    io.stdout.write(
      list.runs.length === 0
        ? 'No runs.\n'
        : formatTable(
            [
              { header: 'run' },
              { header: 'component' },
              { header: 'version' },
              { header: 'status' },
              { header: 'created (UTC)' },
              { header: 'took', align: 'right' },
              { header: 'revision' },
            ],
            rows,
          ) + '\n',
    );
    if (list.next !== null) io.stdout.write(style.dim(`More: pipewright runs --after ${list.next}\n`));
    return EXIT.ok;
  },
};
