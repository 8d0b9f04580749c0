import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { mergePatch, type MergeRule, type MergeRules, type Patch } from './merge-upsert';

/** Postgres array types for the column types our merged tables use. */
const ARRAY_TYPES: Record<string, string> = {
  text: 'text[]',
  timestamptz: 'timestamptz[]',
  bigint: 'bigint[]',
  integer: 'integer[]',
  // jsonb travels as JSON text (pg would turn a JS array into a Postgres array) and is cast back.
  jsonb: 'text[]',
};

/**
 * Folds `patches` (in delivery order) into one patch per id with the rules' TypeScript side, then applies
 * all of them in ONE `INSERT ... SELECT FROM unnest(...) ON CONFLICT (id) DO UPDATE` with the rules' SQL
 * side. Folding first is what allows one statement (Postgres cannot update a row twice in one), and it
 * changes nothing because every rule is associative: (stored ⊕ a) ⊕ b = stored ⊕ (a ⊕ b).
 *
 * Rows are written in id order, so two transactions upserting overlapping rows cannot deadlock. A
 * property a patch leaves out is sent as NULL, which every rule treats as "no news".
 */
export async function mergeUpsertMany<P extends Patch>(
  manager: EntityManager,
  entity: EntityTarget<ObjectLiteral>,
  rules: MergeRules<P>,
  patches: readonly P[],
): Promise<void> {
  if (patches.length === 0) return;
  const folded = new Map<string, P>();
  for (const patch of patches) folded.set(patch.id, mergePatch(folded.get(patch.id), patch, rules));
  const rows = [...folded.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const metadata = manager.connection.getMetadata(entity);
  const properties = [...new Set(rows.flatMap((row) => Object.keys(row).filter((key) => row[key] !== undefined)))];
  const columns = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for property "${property}"`);
    const type = String(column.type);
    const arrayType = ARRAY_TYPES[type];
    if (!arrayType) throw new Error(`mergeUpsertMany cannot send ${metadata.name}.${property} of type ${type}`);
    return { property, name: `"${column.databaseName}"`, type, arrayType };
  });
  const values = columns.map(({ property, type }) =>
    rows.map((row) => {
      const value: unknown = row[property];
      if (value === undefined || value === null) return null;
      return type === 'jsonb' ? JSON.stringify(value) : value;
    }),
  );
  const updates = columns
    .filter(({ property }) => property !== 'id')
    .map(({ property, name }) => {
      const rule = (rules as Record<string, MergeRule>)[property];
      if (!rule) throw new Error(`no merge rule for ${metadata.name}.${property}`);
      return `${name} = ${rule.sql(`stored.${name}`, `EXCLUDED.${name}`)}`;
    });
  const aliases = columns.map((_, i) => `c${i}`);
  await manager.query(
    `INSERT INTO ${metadata.tablePath} AS stored (${columns.map((c) => c.name).join(', ')})
     SELECT ${columns.map((c, i) => (c.type === 'jsonb' ? `${aliases[i]}::jsonb` : aliases[i])).join(', ')}
     FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.arrayType}`).join(', ')}) AS incoming(${aliases.join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${[...updates, 'updated_at = now()'].join(', ')}`,
    values,
  );
}
