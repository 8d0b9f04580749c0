import { stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { actingAs, byOption } from './acting-as';
import { PlatformClient } from './platform-client';

export const approveCommand: Command = {
  spec: {
    name: 'approve',
    summary: 'Approve a stage of a run on the platform that waits for approval (POST /runs/:id/stages/:stage/approve).',
    options: {
      by: byOption('Who approves'),
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
    const by = actingAs(args, client);
    const decision = await client.approveStage(runId, stage, by, stringOption(args, 'comment'));
    io.stdout.write(`Approved stage ${stage} of run ${runId} as ${decision.by}.\n`);
    return EXIT.ok;
  },
};
