import { DomainError } from '@pipewright/service-runtime';

/** A run id names one run: it cannot have versions of two components. */
export class RunVersionedElsewhere extends DomainError {
  constructor(runId: string, component: string) {
    super('version.conflict', `Run ${runId} already has a version of component ${component}`, {
      details: { runId, component },
    });
  }
}

export class VersionNotFound extends DomainError {
  constructor(component: string, version: string) {
    super('version.not_found', `Version ${version} of ${component} does not exist`, {
      details: { component, version },
    });
  }
}
