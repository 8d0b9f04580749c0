import { DomainError } from '@pipewright/service-runtime';

export class ComponentNotFound extends DomainError {
  constructor(name: string) {
    super('component.not_found', `Component ${name} does not exist`, { details: { component: name } });
  }
}
