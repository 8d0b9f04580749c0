import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run and task-run ids, and a task run's run id, compare bytes (collation "C"), as the event log's keys
 * do (see EventKeysCompareBytes): every run or task event upserts by id, and under a libc collation each
 * comparison on the way down those indexes called strcoll. Ids are matched for equality (byte equality
 * under either collation); the run history pages by (listed_at, id), and its indexes are rebuilt with the
 * new collation, so a cursor compares as its index sorts. Joins of runs.id with a column of the database's
 * collation compare under "C" (a non-default collation wins over the default). Tables are not rewritten.
 */
export class RunKeysCompareBytes1763860500000 implements MigrationInterface {
  name = 'RunKeysCompareBytes1763860500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.collate('runs', ['id'], ' COLLATE "C"'));
    await queryRunner.query(this.collate('task_runs', ['id', 'run_id'], ' COLLATE "C"'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.collate('task_runs', ['id', 'run_id'], ''));
    await queryRunner.query(this.collate('runs', ['id'], ''));
  }

  private collate(table: string, columns: string[], collation: string): string {
    return `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE text${collation}`).join(', ')}`;
  }
}
