import { DomainError } from '@pipewright/service-runtime';

export class EnvironmentNotFound extends DomainError {
  constructor(environmentId: string) {
    super('environment.not_found', `Environment ${environmentId} does not exist`, { details: { environmentId } });
  }
}

/**
 * A destroy command arrived while this process is still provisioning the environment (the commands
 * travelled on different partitions). Thrown from the consumer so the command is retried a little later.
 */
export class EnvironmentStillProvisioning extends DomainError {
  constructor(environmentId: string) {
    super('environment.provisioning', `Environment ${environmentId} is still being provisioned`, {
      details: { environmentId },
    });
  }
}
