import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { mergePatch, type MergeRule, type MergeRules, type Patch } from './merge-upsert';

/** The column types our merged tables use: what `json_to_recordset` reads them as. */
const RECORD_TYPES = new Set(['text', 'timestamptz', 'bigint', 'integer', 'jsonb']);

/**
 * Folds `patches` (in delivery order) into one patch per id with the rules' TypeScript side, then applies
 * all of them in ONE `INSERT ... SELECT FROM json_to_recordset(...) ON CONFLICT (id) DO UPDATE` with the
 * rules' SQL side. Folding first is what allows one statement (Postgres cannot update a row twice in one),
 * and it changes nothing because every rule is associative: (stored ⊕ a) ⊕ b = stored ⊕ (a ⊕ b).
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
  for (const patch of patches) {
    const earlier = folded.get(patch.id);
    folded.set(patch.id, earlier === undefined ? patch : mergePatch(earlier, patch, rules));
  }
  const rows = [...folded.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const metadata = manager.connection.getMetadata(entity);
  const present = new Set<string>();
  for (const row of rows) for (const key in row) if (row[key] !== undefined) present.add(key);
  const properties = [...present];
  const columns = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for property "${property}"`);
    const type = String(column.type);
    if (!RECORD_TYPES.has(type))
      throw new Error(`mergeUpsertMany cannot send ${metadata.name}.${property} of type ${type}`);
    return { property, name: `"${column.databaseName}"`, type };
  });
  const aliases = columns.map((_, i) => `c${i}`);
  // All rows as ONE JSON text parameter (dates as ISO strings, jsonb values nested): pg escaping each value
  // into an array literal cost more CPU than the rest of the statement. Built with plain loops: this runs
  // for every event ingested, where arrays of entries per row cost more than the rest.
  const records = JSON.stringify(
    rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const value: unknown = row[columns[i]!.property] ?? null;
        // As the ISO text JSON.stringify would write, but a Date's toJSON takes it off its fast path.
        record[aliases[i]!] = value instanceof Date ? value.toISOString() : value;
      }
      return record;
    }),
  );
  const updates = columns
    .filter(({ property }) => property !== 'id')
    .map(({ property, name }) => {
      const rule = (rules as Record<string, MergeRule>)[property];
      if (!rule) throw new Error(`no merge rule for ${metadata.name}.${property}`);
      return `${name} = ${rule.sql(`stored.${name}`, `EXCLUDED.${name}`)}`;
    });
  await manager.query(
    `INSERT INTO ${metadata.tablePath} AS stored (${columns.map((c) => c.name).join(', ')})
     SELECT ${aliases.join(', ')}
     FROM json_to_recordset($1::json) AS incoming(${columns.map((c, i) => `${aliases[i]} ${c.type}`).join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${[...updates, 'updated_at = now()'].join(', ')}`,
    [records],
  );
}
