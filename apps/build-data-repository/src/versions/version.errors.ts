import { DomainError } from '@pipewright/service-runtime';

/** A run id names one run: it cannot have versions of two components. */
export class RunVersionedElsewhere extends DomainError {
  constructor(runId: string, component: string) {
    super('version.conflict', `Run ${runId} already has a version of component ${component}`, {
      details: { runId, component },
    });
  }
}
