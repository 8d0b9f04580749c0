import { timeOrderedUuid } from '@pipewright/contracts';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

/**
 * The keys every ingested event is looked up by compare bytes (collation "C"): see the EventKeysCompareBytes
 * and RunKeysCompareBytes migrations. Under the database's libc collation each index comparison called
 * strcoll, a measurable share of ingestion.
 */
describe('collation of the ingestion keys', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(() => sut?.close());

  const KEYS = [
    ['events', 'id'],
    ['events', 'run_id'],
    ['runs', 'id'],
    ['task_runs', 'id'],
    ['task_runs', 'run_id'],
  ] as const;

  async function collations(): Promise<Record<string, string | null>> {
    const rows = await sut.dataSource.query<{ key: string; collation: string | null }[]>(
      `SELECT table_name || '.' || column_name AS key, collation_name AS collation
       FROM information_schema.columns WHERE table_schema = 'builddata' AND (table_name, column_name) IN
         (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [KEYS.map(([table]) => table), KEYS.map(([, column]) => column)],
    );
    return Object.fromEntries(rows.map((row) => [row.key, row.collation]));
  }

  it('are "C" after migrating, and the run keys go back to the database collation, rows kept, when reverted', async () => {
    expect(await collations()).toEqual(Object.fromEntries(KEYS.map(([t, c]) => [`${t}.${c}`, 'C'])));

    const runId = timeOrderedUuid();
    await sut.dataSource.query(
      `INSERT INTO builddata.task_runs (id, run_id, component, stage, task_name, attempt, status, updated_at)
       VALUES ($1, $2, 'collated', 'build', 'compile', 1, 'running', now())`,
      [`${runId}/build/compile/1`, runId],
    );
    // Reverted with the migrations that came after it, newest first.
    const [after] = await sut.dataSource.query<{ later: number }[]>(
      `SELECT count(*)::int AS later FROM builddata.migrations WHERE timestamp > 1763860500000`,
    );
    for (let undone = 0; undone <= after!.later; undone++)
      await sut.dataSource.undoLastMigration({ transaction: 'each' });
    try {
      const reverted = await collations();
      expect([reverted['runs.id'], reverted['task_runs.id'], reverted['task_runs.run_id']]).toEqual([null, null, null]);
      expect(reverted['events.id']).toBe('C');
    } finally {
      await sut.dataSource.runMigrations({ transaction: 'each' });
    }
    expect(await collations()).toEqual(Object.fromEntries(KEYS.map(([t, c]) => [`${t}.${c}`, 'C'])));
    const [kept] = await sut.dataSource.query<{ run_id: string }[]>(
      `SELECT run_id FROM builddata.task_runs WHERE run_id = $1`,
      [runId],
    );
    expect(kept?.run_id).toBe(runId);
  });
});
