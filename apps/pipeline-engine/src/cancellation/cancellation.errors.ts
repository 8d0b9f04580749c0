import { DomainError } from '@pipewright/service-runtime';

/** A finished run cannot be cancelled (409). */
export class RunAlreadyFinished extends DomainError {
  constructor(runId: string, status: string) {
    super('run.conflict', `Run ${runId} is already finished (${status}): there is nothing to cancel`, {
      details: { runId, status },
    });
  }
}
