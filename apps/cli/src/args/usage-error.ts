/** The command line is wrong (unknown flag, bad value, unknown target): exit code 2, with the usage hint. */
export class UsageError extends Error {
  readonly code = 'cli.usage';

  constructor(
    message: string,
    /** The command whose usage to point at, e.g. `run`. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
