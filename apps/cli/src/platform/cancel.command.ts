import { stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { actingAs, byOption } from './acting-as';
import { PlatformClient } from './platform-client';

export const cancelCommand: Command = {
  spec: {
    name: 'cancel',
    summary: 'Cancel a queued or running run on the platform (POST /runs/:id/cancel).',
    options: {
      reason: { type: 'string', valueName: 'text', description: 'Why, recorded with the run and in its errors.' },
      by: byOption('Who cancels'),
    },
    positionals: [{ name: 'run', required: true, description: 'The run id.' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'cancel');
    const [runId = ''] = args.positionals;
    const by = actingAs(args, client);
    const answer = await client.cancelRun(runId, by, stringOption(args, 'reason'));
    io.stdout.write(
      answer.status === 'cancel'
        ? `Run ${runId} cancelled (it had not started).\n`
        : `Cancelling run ${runId}: the engine kills its tasks and runs its clean-up (pipewright status ${runId} to follow).\n`,
    );
    return EXIT.ok;
  },
};
