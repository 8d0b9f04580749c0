import { DomainError } from '@pipewright/service-runtime';

export class TriggerNotFound extends DomainError {
  constructor(triggerId: string) {
    super('trigger.not_found', `Trigger ${triggerId} does not exist`, { details: { triggerId } });
  }
}

/** 401: the delivery is not signed with the trigger's secret (or not signed at all). */
export class WebhookSignatureInvalid extends DomainError {
  constructor(reason: string) {
    super('webhook.unauthorized', `Webhook signature rejected: ${reason}`);
  }
}

/** 400: the delivery is signed but is not a push payload we understand. */
export class WebhookPayloadInvalid extends DomainError {
  constructor(reason: string) {
    super('webhook.invalid', `Webhook payload rejected: ${reason}`);
  }
}

/** 409: the workspace's pipewright.yml belongs to another component than the trigger was registered for. */
export class TriggerComponentMismatch extends DomainError {
  constructor(triggerId: string, registered: string, inWorkspace: string) {
    super(
      'trigger.conflict',
      `Trigger ${triggerId} is for component ${registered}, but the workspace's pipewright.yml is for ${inWorkspace}`,
      { details: { triggerId, registered, inWorkspace } },
    );
  }
}
