import { z } from 'zod';

/**
 * Opaque cursors for keyset pagination: the sort key of the last item of a page, as base64url JSON.
 * The next page continues strictly after that key, so rows inserted meanwhile never shift a page.
 */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A `cursor` query parameter that decodes to a key matching `key`, or fails naming the parameter. */
export function cursorSchema<K extends z.ZodType>(key: K) {
  return z
    .string()
    .max(1_000)
    .transform((value, ctx): z.output<K> => {
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      } catch {
        decoded = undefined;
      }
      const parsed = key.safeParse(decoded);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this list handed out (pass nextCursor back as is)' });
      return z.NEVER;
    })
    .describe('`nextCursor` of the previous page; omit for the first page.');
}

/** `limit`: items per page. */
export const limitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(200)
  .default(50)
  .describe('Items per page, 1 to 200 (default 50).');

/** One page of a list; `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The page from `rows` fetched with `LIMIT limit + 1`: the extra row only says there is more, and the
 * cursor is the key of the last row shown.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => unknown[], map: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
