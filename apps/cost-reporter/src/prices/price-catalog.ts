import { readFile } from 'node:fs/promises';
import { parseYamlConfig } from '@pipewright/service-runtime';
import { z } from 'zod';
import { PriceCatalogInvalid } from './price-catalog.errors';

/** Money is handled in millionths of the currency unit, as integers, so sums never drift. */
export const MICROS_PER_UNIT = 1_000_000;
/** Keeps every price in micro-units well inside Number.MAX_SAFE_INTEGER. */
const MAX_PRICE_PER_HOUR = 1_000_000_000;

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const catalogName = z
  .string()
  .regex(namePattern, 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"');

const pricePerHour = z
  .number()
  .nonnegative()
  .max(MAX_PRICE_PER_HOUR)
  .refine((price) => Math.abs(price * MICROS_PER_UNIT - Math.round(price * MICROS_PER_UNIT)) < 1e-3, {
    message: 'must have at most 6 decimal places',
  });

/** `currency: USD` and `prices.<resource type>.<size>: <price per hour>`. */
export const priceCatalogSchema = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  prices: z.record(catalogName, z.record(catalogName, pricePerHour)),
});
export type PriceCatalogDocument = z.infer<typeof priceCatalogSchema>;

/** Prices per hour by resource type and size, in micro-units of `currency`. */
export class PriceCatalog {
  private readonly micros: ReadonlyMap<string, ReadonlyMap<string, number>>;

  constructor(
    readonly currency: string,
    prices: PriceCatalogDocument['prices'],
  ) {
    this.micros = new Map(
      Object.entries(prices).map(([type, sizes]) => [
        type,
        new Map(Object.entries(sizes).map(([size, price]) => [size, Math.round(price * MICROS_PER_UNIT)])),
      ]),
    );
  }

  /** Price of one hour in micro-units, or undefined when the catalog has none: unpriced is not free. */
  microsPerHour(type: string, size: string): number | undefined {
    return this.micros.get(type)?.get(size);
  }
}

/**
 * Parses and validates a catalog. Every problem (YAML syntax, duplicate keys, schema) is reported with the
 * file, line and column of the value at fault, so a bad catalog is fixed in one go.
 */
export function parsePriceCatalog(text: string, file: string): PriceCatalog {
  const parsed = parseYamlConfig(text, file, priceCatalogSchema);
  if (!parsed.ok) throw new PriceCatalogInvalid(parsed.problems);
  return new PriceCatalog(parsed.data.currency, parsed.data.prices);
}

/** Reads and parses the catalog at `file`; an unreadable file is a PriceCatalogInvalid too. */
export async function loadPriceCatalog(file: string): Promise<PriceCatalog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PriceCatalogInvalid(
      [{ file, line: 1, column: 1, path: '', message: `cannot read file (${reason})` }],
      error,
    );
  }
  return parsePriceCatalog(text, file);
}
