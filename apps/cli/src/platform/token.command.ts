import { createHash, randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { UsageError } from '../args/usage-error';
import { EXIT, type Command } from '../command';

/** What the tokens file holds instead of a token (the same as service-runtime's hashToken). */
function sha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const tokenCommand: Command = {
  spec: {
    name: 'token',
    summary:
      'Bearer tokens for the platform: "token new" makes one and prints it with its hash; "token hash" hashes one read from stdin.',
    options: {},
    positionals: [{ name: 'action', required: true, description: 'new or hash.' }],
  },
  async run(args, io) {
    const action = args.positionals[0];
    if (action === 'new') {
      const token = `pw_${randomBytes(32).toString('base64url')}`;
      io.stdout.write(
        `token:  ${token}\nsha256: ${sha256(token)}\n\n` +
          'Give the token to its owner (as PIPEWRIGHT_TOKEN); put only the sha256 in the tokens file:\n' +
          `  - { name: <who>, sha256: ${sha256(token)}, teams: [<team>] }\n`,
      );
      return EXIT.ok;
    }
    if (action === 'hash') {
      // From stdin, so the token stays out of the shell's history and the process list.
      const token = (await text(io.stdin)).replace(/\r?\n$/, '');
      if (token === '') throw new UsageError('give the token on stdin: pipewright token hash < token.txt', 'token');
      io.stdout.write(`${sha256(token)}\n`);
      return EXIT.ok;
    }
    throw new UsageError(`unknown action "${action}": use "token new" or "token hash"`, 'token');
  },
};
