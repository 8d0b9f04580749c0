import type { MigrationInterface, QueryRunner } from 'typeorm';

const OUTCOMES = `'success', 'failure', 'cancel', 'error'`;

/**
 * The rows become the durable form of engine-core's RunState: a stage can wait for approval (with
 * the decision recorded), a task can wait for its retry and counts attempts from 0 (a task skipped
 * without starting has none), results carried over from an earlier run are marked, and a release
 * of an environment that failed keeps its reason.
 */
export class RunState1763902000000 implements MigrationInterface {
  name = 'RunState1763902000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stage_runs DROP CONSTRAINT stage_runs_status_check`);
    await queryRunner.query(`
      ALTER TABLE stage_runs
        ADD CONSTRAINT stage_runs_status_check
          CHECK (status IN ('pending', 'waiting-approval', 'running', 'skipped', ${OUTCOMES})),
        ADD COLUMN approval_requested_at timestamptz,
        ADD COLUMN approval_decision text CHECK (approval_decision IN ('approved', 'rejected')),
        ADD COLUMN approval_by text,
        ADD COLUMN approval_at timestamptz,
        ADD COLUMN approval_comment text,
        ADD COLUMN reused boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT stage_runs_decision_complete
          CHECK (approval_decision IS NULL OR (approval_by IS NOT NULL AND approval_at IS NOT NULL))`);
    // Stages waiting for a person, for whoever lists what needs approving.
    await queryRunner.query(
      `CREATE INDEX stage_runs_waiting_approval ON stage_runs (run_id) WHERE status = 'waiting-approval'`,
    );

    await queryRunner.query(`ALTER TABLE task_runs DROP CONSTRAINT task_runs_status_check`);
    await queryRunner.query(`ALTER TABLE task_runs DROP CONSTRAINT task_runs_attempt_check`);
    await queryRunner.query(`
      ALTER TABLE task_runs
        ADD CONSTRAINT task_runs_status_check
          CHECK (status IN ('pending', 'running', 'retrying', 'skipped', ${OUTCOMES})),
        ADD CONSTRAINT task_runs_attempt_check CHECK (attempt >= 0),
        ALTER COLUMN attempt SET DEFAULT 0,
        ADD COLUMN reused boolean NOT NULL DEFAULT false`);

    await queryRunner.query(`ALTER TABLE stage_environments ADD COLUMN release_error text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stage_environments DROP COLUMN release_error`);
    await queryRunner.query(`
      ALTER TABLE task_runs
        DROP COLUMN reused,
        DROP CONSTRAINT task_runs_status_check,
        DROP CONSTRAINT task_runs_attempt_check,
        ALTER COLUMN attempt SET DEFAULT 1`);
    await queryRunner.query(`UPDATE task_runs SET status = 'pending' WHERE status = 'retrying'`);
    await queryRunner.query(`UPDATE task_runs SET attempt = 1 WHERE attempt = 0`);
    await queryRunner.query(`
      ALTER TABLE task_runs
        ADD CONSTRAINT task_runs_status_check CHECK (status IN ('pending', 'running', 'skipped', ${OUTCOMES})),
        ADD CONSTRAINT task_runs_attempt_check CHECK (attempt >= 1)`);
    await queryRunner.query('DROP INDEX stage_runs_waiting_approval');
    await queryRunner.query(`
      ALTER TABLE stage_runs
        DROP CONSTRAINT stage_runs_decision_complete,
        DROP CONSTRAINT stage_runs_status_check,
        DROP COLUMN approval_requested_at,
        DROP COLUMN approval_decision,
        DROP COLUMN approval_by,
        DROP COLUMN approval_at,
        DROP COLUMN approval_comment,
        DROP COLUMN reused`);
    await queryRunner.query(`UPDATE stage_runs SET status = 'pending' WHERE status = 'waiting-approval'`);
    await queryRunner.query(
      `ALTER TABLE stage_runs ADD CONSTRAINT stage_runs_status_check CHECK (status IN ('pending', 'running', 'skipped', ${OUTCOMES}))`,
    );
  }
}
