import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run history: the list's sort key and indexes for each of its filters, and stage runs (fed from the
 * definition snapshot and from task events).
 */
export class RunHistory1763820100000 implements MigrationInterface {
  name = 'RunHistory1763820100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // When the run was queued; until its queued event arrives (events come in any order), when it was
    // first seen to start or finish. Every run event sets one of the three, so it is never null.
    await queryRunner.query(`
      ALTER TABLE runs ADD COLUMN listed_at timestamptz NOT NULL
        GENERATED ALWAYS AS (COALESCE(queued_at, started_at, finished_at)) STORED`);
    await queryRunner.query(`DROP INDEX runs_component`);
    // Newest first, id breaking ties: the keyset every run list pages through, alone or after one filter.
    await queryRunner.query(`CREATE INDEX runs_newest ON runs (listed_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX runs_component ON runs (component, listed_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX runs_team ON runs (team, listed_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX runs_status ON runs (status, listed_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX runs_outcome ON runs (outcome, listed_at DESC, id DESC) WHERE outcome IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX runs_revision ON runs (revision, listed_at DESC, id DESC) WHERE revision IS NOT NULL`,
    );

    // Like runs and task_runs, no foreign keys: a stage may be reported before its run.
    await queryRunner.query(`
      CREATE TABLE stage_runs (
        run_id text NOT NULL,
        name text NOT NULL,
        -- From the definition snapshot: where the stage stands and how many tasks it has.
        position integer,
        task_count integer,
        -- Summarized from the stage's task runs (the latest attempt of each task).
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

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stage_runs`);
    for (const index of [
      'runs_revision',
      'runs_outcome',
      'runs_status',
      'runs_team',
      'runs_component',
      'runs_newest',
    ]) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE runs DROP COLUMN listed_at`);
    await queryRunner.query(`CREATE INDEX runs_component ON runs (component, queued_at DESC)`);
  }
}
