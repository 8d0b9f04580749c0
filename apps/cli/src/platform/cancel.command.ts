import { userInfo } from 'node:os';
import { stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { PlatformClient, TOKEN_VARIABLE } from './platform-client';

export const cancelCommand: Command = {
  spec: {
    name: 'cancel',
    summary: 'Cancel a queued or running run on the platform (POST /runs/:id/cancel).',
    options: {
      reason: { type: 'string', valueName: 'text', description: 'Why, recorded with the run and in its errors.' },
      by: {
        type: 'string',
        valueName: 'name',
        description: `Who cancels, for a platform without tokens (default: the OS user); with $${TOKEN_VARIABLE}, the token says who.`,
      },
    },
    positionals: [{ name: 'run', required: true, description: 'The run id.' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'cancel');
    const [runId = ''] = args.positionals;
    const by = stringOption(args, 'by') ?? (client.authenticated ? undefined : userInfo().username);
    const answer = await client.cancelRun(runId, by, stringOption(args, 'reason'));
    io.stdout.write(
      answer.status === 'cancel'
        ? `Run ${runId} cancelled (it had not started).\n`
        : `Cancelling run ${runId}: the engine kills its tasks and runs its clean-up (pipewright status ${runId} to follow).\n`,
    );
    return EXIT.ok;
  },
};
