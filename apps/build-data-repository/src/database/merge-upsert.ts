import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * How one column combines the value it holds with the value an event brings. Each rule is written
 * twice, side by side: as SQL for the upsert that ingests events, and in TypeScript (`apply`) so the
 * rules can be checked against every delivery order without a database. The SQL is what counts.
 */
export interface MergeRule {
  sql(stored: string, incoming: string): string;
  apply(stored: unknown, incoming: unknown): unknown;
}

/** The first known value stays; a later event only fills it in while it is missing. */
export const keepFirst: MergeRule = {
  sql: (stored, incoming) => `COALESCE(${stored}, ${incoming})`,
  apply: (stored, incoming) => stored ?? incoming,
};

/** The earliest moment (nulls ignored): two events reporting one moment slightly differently agree in any order. */
export const earliest: MergeRule = {
  sql: (stored, incoming) => `LEAST(${stored}, ${incoming})`,
  apply: (stored, incoming) => {
    if (!(stored instanceof Date)) return incoming ?? stored;
    if (!(incoming instanceof Date)) return stored;
    return incoming.getTime() < stored.getTime() ? incoming : stored;
  },
};

/** A state that only moves forward along `order`: a late or redelivered event never moves it back. */
export function forwardOnly(order: readonly string[]): MergeRule {
  const positions = `ARRAY[${order.map((state) => `'${state.replaceAll("'", "''")}'`).join(', ')}]::text[]`;
  const rank = (state: unknown) => order.indexOf(state as string);
  return {
    sql: (stored, incoming) =>
      `CASE WHEN array_position(${positions}, ${incoming}) > array_position(${positions}, ${stored}) ` +
      `THEN ${incoming} ELSE ${stored} END`,
    apply: (stored, incoming) => (rank(incoming) > rank(stored) ? incoming : stored),
  };
}

/** A row change keyed by `id`; properties left undefined are not touched. */
export type Patch = { readonly id: string } & ObjectLiteral;

/** One rule for every property of a patch but its key. */
export type MergeRules<P extends Patch> = { readonly [K in Exclude<keyof P, 'id'>]-?: MergeRule };

/** What the upsert does to `stored` (undefined: no row yet), for tests of the rules. */
export function mergePatch<P extends Patch>(stored: P | undefined, patch: P, rules: MergeRules<P>): P {
  const merged: Record<string, unknown> = { ...stored };
  for (const [property, incoming] of Object.entries(patch)) {
    if (incoming === undefined) continue;
    const rule = (rules as Record<string, MergeRule>)[property];
    merged[property] = stored === undefined || rule === undefined ? incoming : rule.apply(stored[property], incoming);
  }
  return merged as P;
}

/**
 * `INSERT ... ON CONFLICT (id) DO UPDATE` where every column takes its rule's merge of the stored and the
 * incoming value, in one statement: concurrent and out-of-order deliveries converge under the row lock.
 * The table must have an `updated_at` column.
 */
export async function mergeUpsert<P extends Patch>(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  rules: MergeRules<P>,
  patch: P,
): Promise<void> {
  const metadata = manager.connection.getMetadata(entity);
  const columns: string[] = [];
  const values: unknown[] = [];
  const updates: string[] = [];
  for (const [property, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for property "${property}"`);
    const name = `"${column.databaseName}"`;
    columns.push(name);
    // pg would send a JS array as a Postgres array; jsonb wants the JSON text.
    values.push(column.type === 'jsonb' ? JSON.stringify(value) : value);
    if (property === 'id') continue;
    const rule = (rules as Record<string, MergeRule>)[property];
    if (!rule) throw new Error(`no merge rule for ${metadata.name}.${property}`);
    updates.push(`${name} = ${rule.sql(`stored.${name}`, `EXCLUDED.${name}`)}`);
  }
  await manager.query(
    `INSERT INTO ${metadata.tablePath} AS stored (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${[...updates, 'updated_at = now()'].join(', ')}`,
    values,
  );
}
