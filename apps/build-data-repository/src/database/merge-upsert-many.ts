import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { incomingRows, type IncomingValue } from './incoming-rows';
import { mergePatch, type MergeRule, type MergeRules, type Patch } from './merge-upsert';

/** The column types our merged tables use: what the incoming rows are read as (see incoming-rows.ts). */
const RECORD_TYPES = new Set(['text', 'timestamptz', 'bigint', 'integer', 'jsonb']);

/**
 * Folds `patches` (in delivery order) into one patch per id with the rules' TypeScript side, then applies
 * all of them in ONE `INSERT ... SELECT FROM <rows in one parameter> ON CONFLICT (id) DO UPDATE` with the
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
  const incoming = incomingRows(
    '$1',
    columns.map(({ type }, i) => ({ name: `c${i}`, type })),
    rows.map((row) => columns.map(({ property }) => (row[property] ?? null) as IncomingValue)),
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
     SELECT ${incoming.columns.join(', ')}
     FROM ${incoming.from}
     ON CONFLICT (id) DO UPDATE SET ${[...updates, 'updated_at = now()'].join(', ')}`,
    [incoming.parameter],
  );
}
