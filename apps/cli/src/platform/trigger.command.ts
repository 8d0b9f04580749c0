import * as path from 'node:path';
import { formatErrors } from '@pipewright/pipeline-spec';
import { flagOption, listOption, parseInputs, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import { EXIT, type Command } from '../command';
import { gitRevision } from '../local-run/git-revision';
import { pipelineFileOptions } from '../pipeline/pipeline-options';
import { isInputError, loadFromLocation, locatePipeline } from '../pipeline/repository-pipeline';
import { followRun, followStartedRunOption, intervalOption, parseInterval } from './logs.command';
import { PlatformClient, URL_VARIABLE } from './platform-client';

export const triggerCommand: Command = {
  spec: {
    name: 'trigger',
    summary: `Start a run of this repository's pipeline on the platform (POST /runs to $${URL_VARIABLE}); prints the run id.`,
    options: {
      ...pipelineFileOptions,
      input: { type: 'string', multiple: true, valueName: 'key=value', description: 'Set a pipeline input.' },
      revision: {
        type: 'string',
        valueName: 'commit',
        description: 'The revision the run builds (default: git HEAD).',
      },
      workspace: {
        type: 'string',
        valueName: 'dir',
        description: "The checkout on the engine's host (default: this repository's absolute path).",
      },
      follow: followStartedRunOption,
      interval: intervalOption,
    },
    positionals: [],
  },
  async run(args, io) {
    const client = PlatformClient.fromEnv(io.env, 'trigger');
    const intervalMs = parseInterval(stringOption(args, 'interval'), 'trigger');
    const location = locatePipeline(io, { file: stringOption(args, 'file'), flavours: listOption(args, 'flavours') });
    // Resolved here, so mistakes show as file:line:column before anything is sent, and the engine runs
    // exactly the graph this checkout defines.
    const loaded = loadFromLocation(location, parseInputs(listOption(args, 'input')));
    if (!loaded.ok) {
      io.stderr.write(formatErrors(loaded.errors) + '\n');
      return loaded.errors.every(isInputError) ? EXIT.usage : EXIT.failed;
    }
    const workspace = stringOption(args, 'workspace') ?? location.repositoryDir;
    if (!path.isAbsolute(workspace))
      throw new UsageError(`--workspace must be an absolute path (got "${workspace}")`, 'trigger');
    const revision = stringOption(args, 'revision') ?? gitRevision(location.repositoryDir);
    const run = await client.startRun({ workspace, ...(revision ? { revision } : {}), graph: loaded.graph });
    io.stdout.write(`${run.id}\n`);
    if (flagOption(args, 'follow')) return followRun(client, run.id, { follow: true, intervalMs }, io);
    io.stderr.write(
      `Run ${run.id} of pipeline ${loaded.graph.name} is ${run.status}; follow it with: pipewright logs ${run.id} --follow\n`,
    );
    return EXIT.ok;
  },
};
