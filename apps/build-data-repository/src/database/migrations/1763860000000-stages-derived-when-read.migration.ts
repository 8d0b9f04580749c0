import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's stages are derived from its definition snapshot and task runs when the run is read
 * (runs/stage-summary.ts), no longer kept in stage_runs while ingesting: every task event re-read all task
 * runs of its stage to summarize it again, which cost ingestion more than appending the event itself.
 */
export class StagesDerivedWhenRead1763860000000 implements MigrationInterface {
  name = 'StagesDerivedWhenRead1763860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stage_runs`);
  }

  // The table comes back empty: a service rolled back to keeping it summarizes stages of new events only.
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stage_runs (
        run_id text NOT NULL,
        name text NOT NULL,
        position integer,
        task_count integer,
        status text NOT NULL CONSTRAINT stage_runs_status CHECK (status IN ('pending', 'running', 'finished')),
        outcome text CONSTRAINT stage_runs_outcome CHECK (outcome IN ('success', 'failure', 'cancel', 'error')),
        tasks_started integer NOT NULL,
        tasks_finished integer NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, name)
      )`);
  }
}
