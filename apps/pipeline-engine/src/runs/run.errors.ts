import { formatErrors, type SpecError } from '@pipewright/pipeline-spec';
import { DomainError } from '@pipewright/service-runtime';

export class RunNotFound extends DomainError {
  constructor(runId: string) {
    super('run.not_found', `Run ${runId} does not exist`, { details: { runId } });
  }
}

/** One mistake in the pipeline, where the user must change it (`location` is `file:line:column`). */
export interface PipelineProblem extends SpecError {
  location: string;
}

/** The pipeline cannot run: every error found, each at `file:line:column` (400). */
export class PipelineInvalid extends DomainError {
  declare readonly details: readonly PipelineProblem[];

  constructor(errors: readonly SpecError[]) {
    super(
      'pipeline.invalid',
      `The pipeline has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}:\n${formatErrors(errors)}`,
      {
        details: errors.map((error) => ({
          ...error,
          location: error.line > 0 ? `${error.file}:${error.line}:${error.column}` : error.file,
        })),
      },
    );
  }
}
