import { userInfo } from 'node:os';
import { stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { PlatformClient, TOKEN_VARIABLE } from './platform-client';

export const approveCommand: Command = {
  spec: {
    name: 'approve',
    summary: 'Approve a stage of a run on the platform that waits for approval (POST /runs/:id/stages/:stage/approve).',
    options: {
      by: {
        type: 'string',
        valueName: 'name',
        description: `Who approves, for a platform without tokens (default: the OS user); with $${TOKEN_VARIABLE}, the token says who.`,
      },
      comment: { type: 'string', valueName: 'text', description: 'Why, recorded with the approval.' },
    },
    positionals: [
      { name: 'run', required: true, description: 'The run id.' },
      { name: 'stage', required: true, description: 'The stage waiting for approval.' },
    ],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'approve');
    const [runId = '', stage = ''] = args.positionals;
    const by = stringOption(args, 'by') ?? (client.authenticated ? undefined : userInfo().username);
    const decision = await client.approveStage(runId, stage, by, stringOption(args, 'comment'));
    io.stdout.write(`Approved stage ${stage} of run ${runId} as ${decision.by}.\n`);
    return EXIT.ok;
  },
};
