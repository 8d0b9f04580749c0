import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error';
import { deepFreeze } from './deep-freeze';

export type Env = Readonly<Record<string, string | undefined>>;

/** Values of variables whose name looks like this are never printed. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY/i;
const MAX_SHOWN_LENGTH = 80;

/**
 * Parses environment variables with a zod schema. Empty strings count as unset, so `PORT=` falls back to
 * the default. Throws a `ConfigError` naming every bad variable; returns a deep-frozen object.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  const input = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, input)));
  }
  return deepFreeze(result.data);
}

/**
 * Like `parseConfig`, but for `main.ts`: on failure prints one line per bad variable to stderr
 * (`config: PORT: expected a number, got "abc"`) and exits with status 1.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): Readonly<z.output<S>> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      process.stderr.write(`config: ${issue.variable}: ${issue.problem}\n`);
    }
    process.exit(1);
  }
}

function toConfigIssue(issue: z.core.$ZodIssue, input: Record<string, string | undefined>): ConfigIssue {
  const [name, ...inner] = issue.path;
  const variable = name === undefined ? '(config)' : String(name);
  const raw = typeof name === 'string' ? input[name] : undefined;
  if (issue.code === 'invalid_type' && raw === undefined) {
    return { variable, problem: 'required, but not set' };
  }
  const message = issue.code === 'invalid_type' ? `expected ${withArticle(issue.expected)}` : issue.message;
  // A list variable's bad item: `KAFKA_BROKERS: item 0: expected host:port, ...`.
  const problem = inner.length > 0 ? `item ${inner.map(String).join('.')}: ${message}` : message;
  return { variable, problem: raw === undefined ? problem : `${problem}, got ${show(variable, raw)}` };
}

function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function show(name: string, raw: string): string {
  if (SECRET_NAME.test(name)) return '(value hidden)';
  // A URL may carry a password: postgres://user:secret@host/db.
  const redacted = raw.replace(/(\/\/[^:/@\s]*:)[^@/\s]*@/, '$1***@');
  const shown = redacted.length > MAX_SHOWN_LENGTH ? `${redacted.slice(0, MAX_SHOWN_LENGTH)}...` : redacted;
  return JSON.stringify(shown);
}
