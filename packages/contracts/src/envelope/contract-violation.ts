import type { z } from 'zod';

/**
 * A message or document that does not match its contract. The message lists every
 * problem as `path: message`, so a dead-lettered message says exactly what was wrong.
 */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  readonly code = 'contract.invalid';

  constructor(
    readonly what: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`${what} is invalid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }

  static fromZod(what: string, error: z.ZodError): ContractViolation {
    return new ContractViolation(
      what,
      error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
}

/** Parses `value` with `schema` or throws a ContractViolation naming `what`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ContractViolation.fromZod(what, result.error);
  return result.data;
}
