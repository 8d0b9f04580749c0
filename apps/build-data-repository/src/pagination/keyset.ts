import type { SelectQueryBuilder } from 'typeorm';
import { toPage, type Page } from './cursor';

/**
 * Newest first by `time` (an SQL expression over the query's main alias), ties broken by the row's id,
 * `limit` rows continuing strictly after `cursor` (the key of the previous page's last row). The time
 * goes into the cursor as Postgres' text, keeping the microseconds a JS Date would drop.
 */
export async function newestFirstPage<E extends { id: string }, T>(
  select: SelectQueryBuilder<E>,
  time: string,
  page: { limit: number; cursor?: readonly [string, string] | undefined },
  map: (entity: E) => T,
): Promise<Page<T>> {
  const id = `${select.alias}.id`;
  select
    .addSelect(`(${time})::text`, 'page_key')
    .orderBy(time, 'DESC')
    .addOrderBy(id, 'DESC')
    .limit(page.limit + 1);
  if (page.cursor) {
    const [pageTime, pageId] = page.cursor;
    select.andWhere(`(${time}, ${id}) < (CAST(:pageTime AS timestamptz), :pageId)`, { pageTime, pageId });
  }
  const { entities, raw } = await select.getRawAndEntities<{ page_key: string }>();
  // No joins: raw rows and entities correspond one to one, in order.
  const rows = entities.map((entity, i) => ({ entity, key: raw[i]!.page_key }));
  return toPage(
    rows,
    page.limit,
    (row) => [row.key, row.entity.id],
    (row) => map(row.entity),
  );
}
