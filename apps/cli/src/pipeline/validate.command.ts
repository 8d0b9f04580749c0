import { formatErrors, graphTasks } from '@pipewright/pipeline-spec';
import { listOption, stringOption } from '../args/command-args';
import { EXIT, type Command } from '../command';
import { pipelineFileOptions } from './pipeline-options';
import { loadFromLocation, locatePipeline } from './repository-pipeline';

export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary: 'Check pipewright.yml with its flavour and includes; print every error as file:line:column: message.',
    options: pipelineFileOptions,
    positionals: [],
  },
  async run(args, io) {
    const location = locatePipeline(io, { file: stringOption(args, 'file'), flavours: listOption(args, 'flavours') });
    const result = loadFromLocation(location);
    if (!result.ok) {
      io.stdout.write(formatErrors(result.errors) + '\n');
      const count = result.errors.length;
      io.stderr.write(`${location.file}: ${count} ${count === 1 ? 'error' : 'errors'}\n`);
      return EXIT.failed;
    }
    const { graph } = result;
    const tasks = graphTasks(graph).length;
    const flavour = graph.source.flavour ? `, flavour ${graph.source.flavour.name}` : '';
    io.stdout.write(
      `${location.file}: OK — pipeline "${graph.name}" (component ${graph.component}${flavour}): ` +
        `${graph.stages.length} ${graph.stages.length === 1 ? 'stage' : 'stages'}, ${tasks} ${tasks === 1 ? 'task' : 'tasks'}\n`,
    );
    return EXIT.ok;
  },
};
