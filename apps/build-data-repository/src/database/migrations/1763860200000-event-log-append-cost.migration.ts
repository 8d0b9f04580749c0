import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appending an event costs less (measured in a copy of the table: ~55 → ~34 µs per row):
 * - payload is `text`: the JSON exactly as received, which ingestion parsed and validated against its
 *   contract before appending, instead of `jsonb`, which Postgres converted to its binary form on every
 *   append (and `json` would parse it once more to check it). Nothing queries inside stored payloads; they
 *   are only read back whole, and parsed then.
 * - the time-range filter of the event list uses a BRIN index on `time` (events are appended in about the
 *   order they happened) instead of a btree on (type, time): one summary row per 128 pages instead of an
 *   index entry per event. A type with a time range combines the (type, seq) index with it.
 */
export class EventLogAppendCost1763860200000 implements MigrationInterface {
  name = 'EventLogAppendCost1763860200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ALTER COLUMN payload TYPE text USING payload::text`);
    await queryRunner.query(`DROP INDEX events_type_time`);
    await queryRunner.query(`CREATE INDEX events_time ON events USING brin (time)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_time`);
    await queryRunner.query(`CREATE INDEX events_type_time ON events (type, time)`);
    await queryRunner.query(`ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb`);
  }
}
