import type { CommandSpec, ParsedArgs } from './args/command-args';
import type { CliIo } from './cli-io';

/** Exit codes: 0 all good, 1 the pipeline/run/test failed, 2 the command line is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
