import { flagOption, stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { followRun, followStartedRunOption, intervalOption, parseInterval } from './logs.command';
import { actingAs, byOption } from './acting-as';
import { PlatformClient } from './platform-client';

export const rerunCommand: Command = {
  spec: {
    name: 'rerun',
    summary:
      'Re-run a platform run that failed from its failed stage(s), reusing what succeeded (POST /runs/:id/rerun).',
    options: {
      by: byOption('Who re-runs'),
      follow: followStartedRunOption,
      interval: intervalOption,
    },
    positionals: [{ name: 'run', required: true, description: 'The run id of the run that failed.' }],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'rerun');
    const intervalMs = parseInterval(stringOption(args, 'interval'), 'rerun');
    const [runId = ''] = args.positionals;
    const by = actingAs(args, client);
    const rerun = await client.rerunRun(runId, by);
    // The new run's id alone on stdout, as `trigger` prints it, for scripts.
    io.stdout.write(`${rerun.id}\n`);
    const reused = rerun.reusedStages.length > 0 ? `reusing ${rerun.reusedStages.join(', ')}` : 'reusing nothing';
    const version = rerun.version === null ? '' : ` as version ${rerun.version}`;
    io.stderr.write(`Re-running run ${runId}${version}, ${reused}.\n`);
    if (flagOption(args, 'follow')) return followRun(client, rerun.id, { follow: true, intervalMs }, io);
    io.stderr.write(`Follow it with: pipewright logs ${rerun.id} --follow\n`);
    return EXIT.ok;
  },
};
