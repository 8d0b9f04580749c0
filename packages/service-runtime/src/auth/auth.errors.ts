import { formatYamlConfigProblem, type YamlConfigProblem } from '../config/yaml-config';
import { DomainError } from '../errors/domain-error';

/** The tokens file cannot be read or does not match its schema; the service does not start with it. */
export class TokensFileInvalid extends DomainError {
  declare readonly details: readonly YamlConfigProblem[];

  constructor(problems: readonly YamlConfigProblem[], cause?: unknown) {
    super(
      'tokens_file.invalid',
      `Invalid tokens file:\n${problems.map((p) => `  ${formatYamlConfigProblem(p)}`).join('\n')}`,
      { details: problems, cause },
    );
  }
}

/** No bearer token, or one nobody configured (401). */
export class Unauthenticated extends DomainError {
  constructor(reason: 'missing' | 'malformed' | 'unknown') {
    super(
      'auth.unauthorized',
      reason === 'missing'
        ? 'This API needs a bearer token: send "Authorization: Bearer <token>"'
        : reason === 'malformed'
          ? 'The Authorization header must be "Bearer <token>"'
          : 'The bearer token is not one this platform knows',
    );
  }
}

/** The token is valid, but not for this team's runs or components (403). */
export class TeamForbidden extends DomainError {
  constructor(caller: string, team: string) {
    super('auth.forbidden', `The token of ${caller} is not allowed to act for team ${team}`, {
      details: { caller, team },
    });
  }
}

/** Only an admin token may do this (403). */
export class AdminRequired extends DomainError {
  constructor(caller: string, what: string) {
    super('auth.forbidden', `Only an admin token may ${what}; ${caller}'s may not`, { details: { caller } });
  }
}
