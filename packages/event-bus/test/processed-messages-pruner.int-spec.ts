import { postgres, type PostgresService } from '@pipewright/testing';
import { DataSource } from 'typeorm';
import { EventBusTables1763800000000, ProcessedMessagesPruner, eventBusEntities, silentLogger } from '../src';

jest.setTimeout(60_000);

const SCHEMA = 'prune_test';
const DAY_MS = 24 * 60 * 60 * 1_000;

describe(ProcessedMessagesPruner.name, () => {
  let db: PostgresService;
  let dataSource: DataSource;
  const now = new Date('2026-11-22T12:00:00.000Z');

  /** `count` records of `consumer`, processed `ageDays` before `now`. */
  const record = (consumer: string, count: number, ageDays: number) =>
    dataSource.query(
      `INSERT INTO ${SCHEMA}.processed_messages (consumer, message_id, processed_at)
       SELECT $1, $1 || '-' || $3 || '-' || n, $2 FROM generate_series(1, $4) AS n`,
      [consumer, new Date(now.getTime() - ageDays * DAY_MS), ageDays, count],
    );
  const remaining = async () =>
    (
      await dataSource.query<{ consumer: string; n: number }[]>(
        `SELECT consumer, count(*)::int AS n FROM ${SCHEMA}.processed_messages GROUP BY consumer ORDER BY consumer`,
      )
    ).map((row) => `${row.consumer}:${row.n}`);

  beforeAll(async () => {
    db = await postgres();
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      schema: SCHEMA,
      entities: eventBusEntities,
      migrations: [EventBusTables1763800000000],
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA ${SCHEMA}`);
    await dataSource.runMigrations();
  });

  afterEach(() => dataSource.query(`TRUNCATE ${SCHEMA}.processed_messages`));

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('deletes records older than the retention in small batches and keeps the recent ones', async () => {
    await record('old', 2_345, 8);
    await record('recent', 40, 6.9);
    await record('mixed', 30, 30);
    await record('mixed', 20, 1);
    const sut = new ProcessedMessagesPruner({ dataSource, logger: silentLogger, retentionDays: 7, batchSize: 100 });

    const deleted = await sut.pruneOnce(now);

    expect(deleted).toBe(2_375);
    expect(await remaining()).toEqual(['mixed:20', 'recent:40']);
    expect(await sut.pruneOnce(now)).toBe(0);
  });

  it('leaves the pass to the instance already pruning', async () => {
    await record('old', 10, 8);
    const other = dataSource.createQueryRunner();
    await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`${SCHEMA}.processed_messages.prune`]);
    try {
      const sut = new ProcessedMessagesPruner({ dataSource, logger: silentLogger });

      expect(await sut.pruneOnce(now)).toBe(0);
      expect(await remaining()).toEqual(['old:10']);
    } finally {
      await other.query(`SELECT pg_advisory_unlock_all()`);
      await other.release();
    }
    expect(await new ProcessedMessagesPruner({ dataSource, logger: silentLogger }).pruneOnce(now)).toBe(10);
  });

  it('refuses a retention that is not positive', () => {
    expect(() => new ProcessedMessagesPruner({ dataSource, logger: silentLogger, retentionDays: 0 })).toThrow(
      /must be positive/,
    );
  });
});
