import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log's indexed text columns (CloudEvent id, type, subject, run id, component) compare bytes,
 * collation "C", instead of the database's. Under a libc collation (C.UTF-8 included, before PostgreSQL
 * 17), every comparison while descending one of the five indexes on them looked up the locale, copied both
 * strings and called strcoll: a share of every append. Nothing sorts by these columns; they are matched
 * for equality, which is byte equality under either collation. The table is not rewritten; its indexes
 * are rebuilt. webhook_deliveries.event_id, which references events.id, follows.
 */
export class EventKeysCompareBytes1763860400000 implements MigrationInterface {
  name = 'EventKeysCompareBytes1763860400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.collate('events', ['id', 'type', 'subject', 'run_id', 'component'], ' COLLATE "C"'));
    await queryRunner.query(this.collate('webhook_deliveries', ['event_id'], ' COLLATE "C"'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.collate('webhook_deliveries', ['event_id'], ''));
    await queryRunner.query(this.collate('events', ['id', 'type', 'subject', 'run_id', 'component'], ''));
  }

  private collate(table: string, columns: string[], collation: string): string {
    return `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE text${collation}`).join(', ')}`;
  }
}
