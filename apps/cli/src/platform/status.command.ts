import { flagOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { colourEnabled, createStyle } from '../output/ansi';
import { PlatformClient } from './platform-client';
import { formatRunView } from './run-view.format';

export const statusCommand: Command = {
  spec: {
    name: 'status',
    summary: 'Show a run on the platform: its status, and each stage and task (GET /runs/:id).',
    options: { json: { type: 'boolean', description: 'Print the engine’s answer as JSON.' } },
    positionals: [{ name: 'run', required: true, description: 'The run id (from pipewright trigger).' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'status');
    const run = await client.getRun(args.positionals[0] ?? '');
    if (flagOption(args, 'json')) io.stdout.write(JSON.stringify(run, null, 2) + '\n');
    else io.stdout.write(formatRunView(run, createStyle(colourEnabled(io.stdout.isTTY, io.env))));
    return EXIT.ok;
  },
};
