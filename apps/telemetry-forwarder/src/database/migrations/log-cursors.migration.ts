import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per task run, the highest log `seq` already forwarded. */
export class LogCursors1763900400000 implements MigrationInterface {
  name = 'LogCursors1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE telemetry.log_cursors (
        task_run_id text PRIMARY KEY,
        last_seq bigint NOT NULL CHECK (last_seq >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE telemetry.log_cursors');
  }
}
