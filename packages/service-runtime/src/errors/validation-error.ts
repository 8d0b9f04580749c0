import { DomainError } from './domain-error';

/** One thing wrong with a request: where (`stages.0.name`; empty for the whole value) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A request failed its zod schema. Becomes a 400 problem whose `details` lists every issue. */
export class ValidationError extends DomainError {
  declare readonly details: readonly ValidationIssue[];

  constructor(what: string, issues: readonly ValidationIssue[]) {
    const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
    super('request.invalid', `Invalid ${what}: ${summary}`, { details: issues });
  }
}
