import type { OptionSpec } from '../args/command-args';
import { DEFAULT_PIPELINE_FILE, FLAVOURS_VARIABLE, REPOSITORY_FLAVOURS_DIR } from './repository-pipeline';

/** `--file` and `--flavours`: every command that reads the repository's pipeline takes them. */
export const pipelineFileOptions: Record<string, OptionSpec> = {
  file: {
    type: 'string',
    short: 'f',
    valueName: 'path',
    description: `The pipeline file (default ${DEFAULT_PIPELINE_FILE}); its folder is the repository.`,
  },
  flavours: {
    type: 'string',
    multiple: true,
    valueName: 'dir',
    description: `A folder of flavours, searched before ${REPOSITORY_FLAVOURS_DIR} and $${FLAVOURS_VARIABLE}.`,
  },
};
