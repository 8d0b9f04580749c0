import { DomainError } from '@pipewright/service-runtime';

export class RunNotFound extends DomainError {
  constructor(runId: string) {
    super('run.not_found', `Run ${runId} does not exist`, { details: { runId } });
  }
}
