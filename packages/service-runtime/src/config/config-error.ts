/** One environment variable that failed validation. */
export interface ConfigIssue {
  /** The variable's name, e.g. `PORT`. */
  readonly variable: string;
  /** What is wrong with it, e.g. `expected a number, got "abc"`. */
  readonly problem: string;
}

/** Thrown by `parseConfig` when one or more environment variables are missing or invalid. */
export class ConfigError extends Error {
  readonly code = 'config.invalid';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
