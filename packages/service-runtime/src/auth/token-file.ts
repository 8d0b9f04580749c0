import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseYamlConfig, type YamlConfigProblem } from '../config/yaml-config';
import { TokensFileInvalid } from './auth.errors';

/** Who a bearer token belongs to, as the tokens file says; the token itself is known by its hash only. */
export interface TokenEntry {
  readonly name: string;
  /** Hex SHA-256 of the token. */
  readonly sha256: string;
  /** Teams whose runs and components the token sees and triggers; empty for an admin token. */
  readonly teams: readonly string[];
  /** Sees every team, and manages what is the platform's (flavours, price catalogs, drivers). */
  readonly admin: boolean;
}

const teamName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a team name (letters, digits, ".", "_", "-")');

const entrySchema = z
  .strictObject({
    name: z.string().trim().min(1, 'expected a non-empty name').max(200),
    sha256: z
      .string()
      .regex(
        /^[0-9a-f]{64}$/i,
        "expected the 64 hex digits of the token's SHA-256 (pipewright token hash), never the token",
      )
      .transform((hash) => hash.toLowerCase()),
    teams: z.array(teamName).min(1, 'expected at least one team').optional(),
    admin: z.literal(true, 'expected true (leave it out for a team token)').optional(),
  })
  .refine((entry) => (entry.teams === undefined) !== (entry.admin === undefined), {
    message: 'give either "teams: [...]" or "admin: true"',
  });

/** `tokens: [{ name, sha256, teams: [...] | admin: true }]` */
const tokensFileSchema = z.strictObject({ tokens: z.array(entrySchema) });

/** Hex SHA-256 of a bearer token: what the tokens file holds instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The configured tokens, looked up by the hash of what a request presents. */
export class TokenRegistry {
  private readonly byHash: ReadonlyMap<string, TokenEntry>;

  constructor(readonly entries: readonly TokenEntry[]) {
    this.byHash = new Map(entries.map((entry) => [entry.sha256, entry]));
  }

  /** The entry of a presented token, or undefined when no entry has its hash. */
  find(token: string): TokenEntry | undefined {
    return this.byHash.get(hashToken(token));
  }
}

/**
 * Parses a tokens file. Every problem (YAML syntax, duplicate keys, schema, a name or hash given twice)
 * is reported with the file, line and column of the value at fault, so a bad file is fixed in one go.
 */
export function parseTokensFile(text: string, file: string): TokenRegistry {
  const parsed = parseYamlConfig(text, file, tokensFileSchema);
  if (!parsed.ok) throw new TokensFileInvalid(parsed.problems);
  const problems: YamlConfigProblem[] = [];
  const seen = { names: new Set<string>(), hashes: new Set<string>() };
  const entries = parsed.data.tokens.map((entry, index): TokenEntry => {
    for (const [key, set, value] of [
      ['name', seen.names, entry.name],
      ['sha256', seen.hashes, entry.sha256],
    ] as const) {
      if (set.has(value)) problems.push(parsed.problemAt(['tokens', String(index), key], `${key} given twice`));
      set.add(value);
    }
    return { name: entry.name, sha256: entry.sha256, teams: entry.teams ?? [], admin: entry.admin === true };
  });
  if (problems.length > 0) throw new TokensFileInvalid(problems);
  return new TokenRegistry(entries);
}

/** Reads and parses the tokens file; an unreadable file is a TokensFileInvalid too. */
export function loadTokensFile(file: string): TokenRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TokensFileInvalid(
      [{ file, line: 1, column: 1, path: '', message: `cannot read file (${reason})` }],
      error,
    );
  }
  return parseTokensFile(text, file);
}
