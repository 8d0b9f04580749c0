import { formatErrors, toMermaid, toText } from '@pipewright/pipeline-spec';
import { listOption, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import { EXIT, type Command } from '../command';
import { pipelineFileOptions } from './pipeline-options';
import { loadFromLocation, locatePipeline } from './repository-pipeline';

const FORMATS = ['text', 'mermaid'] as const;

export const graphCommand: Command = {
  spec: {
    name: 'graph',
    summary:
      'Print the resolved pipeline: stages, needs, sections, lanes and tasks (as text, or as a Mermaid flowchart).',
    options: {
      ...pipelineFileOptions,
      format: { type: 'string', valueName: FORMATS.join('|'), description: 'Output format (default text).' },
    },
    positionals: [],
  },
  async run(args, io) {
    const format = stringOption(args, 'format') ?? 'text';
    if (format !== 'text' && format !== 'mermaid')
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`, 'graph');
    const location = locatePipeline(io, { file: stringOption(args, 'file'), flavours: listOption(args, 'flavours') });
    const result = loadFromLocation(location);
    if (!result.ok) {
      io.stderr.write(formatErrors(result.errors) + '\n');
      return EXIT.failed;
    }
    io.stdout.write(format === 'mermaid' ? toMermaid(result.graph) : toText(result.graph));
    return EXIT.ok;
  },
};
