import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last lines of each task run's output (PIPEWRIGHT_ENGINE_LOG_TAIL_LINES), for `GET /runs/:id/logs`;
 * the whole output goes to the logs topic. `id` orders lines across the tasks of a run as they were
 * written. Also the index `GET /runs` pages through, newest first.
 */
export class LogTail1763908000000 implements MigrationInterface {
  name = 'LogTail1763908000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE task_log_lines (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task_run_id uuid NOT NULL REFERENCES task_runs (id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 1),
        stream text NOT NULL CHECK (stream IN ('stdout', 'stderr')),
        time timestamptz NOT NULL,
        text text NOT NULL,
        UNIQUE (task_run_id, seq)
      )`);
    await queryRunner.query('CREATE INDEX task_log_lines_run ON task_log_lines (run_id, id)');
    await queryRunner.query('CREATE INDEX runs_newest ON runs (created_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX runs_newest');
    await queryRunner.query('DROP TABLE task_log_lines');
  }
}
