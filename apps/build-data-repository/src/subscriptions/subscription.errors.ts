import { DomainError } from '@pipewright/service-runtime';

export class SubscriptionNotFound extends DomainError {
  constructor(id: string) {
    super('subscription.not_found', `Subscription ${id} does not exist`, { details: { id } });
  }
}
