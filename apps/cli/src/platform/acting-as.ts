import { userInfo } from 'node:os';
import { stringOption, type OptionSpec, type ParsedArgs } from '../args/command-args';
import { TOKEN_VARIABLE, type PlatformClient } from './platform-client';

/** `--by` of a command that acts on a run for someone (approve, cancel, rerun); `who` says what they do. */
export function byOption(who: string): OptionSpec {
  return {
    type: 'string',
    valueName: 'name',
    description: `${who}, for a platform without tokens (default: the OS user); with $${TOKEN_VARIABLE}, the token says who.`,
  };
}

/** Who to send as `by`: `--by`, else the OS user; nobody with a token (the engine takes the token's owner). */
export function actingAs(args: ParsedArgs, client: PlatformClient): string | undefined {
  return stringOption(args, 'by') ?? (client.authenticated ? undefined : userInfo().username);
}
