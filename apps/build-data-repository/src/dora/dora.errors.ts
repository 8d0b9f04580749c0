import { DomainError } from '@pipewright/service-runtime';

export class TeamNotFound extends DomainError {
  constructor(team: string) {
    super('team.not_found', `No component belongs to team ${team}`, { details: { team } });
  }
}
