import type { MigrationInterface, QueryRunner } from 'typeorm';

const OUTCOMES = `'success', 'failure', 'cancel', 'error'`;

/** Runs, their stages, task runs and stage environments. Tables land in the `engine` schema (search_path). */
export class Runs1763901000000 implements MigrationInterface {
  name = 'Runs1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY,
        pipeline_name text NOT NULL,
        component text NOT NULL,
        team text NOT NULL,
        solution text NOT NULL,
        revision text,
        workspace text NOT NULL,
        definition jsonb NOT NULL,
        trigger jsonb NOT NULL,
        traceparent text,
        tracestate text,
        status text NOT NULL CHECK (status IN ('queued', 'running', ${OUTCOMES})),
        version text,
        errors text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer CHECK (duration_ms >= 0)
      )`);
    // A restarted engine (a later issue) resumes what is not finished.
    await queryRunner.query(`CREATE INDEX runs_unfinished ON runs (created_at) WHERE status IN ('queued', 'running')`);
    await queryRunner.query(`CREATE INDEX runs_component ON runs (component, created_at DESC)`);

    await queryRunner.query(`
      CREATE TABLE stage_runs (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'skipped', ${OUTCOMES})),
        errors text,
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (run_id, position),
        UNIQUE (run_id, name)
      )`);

    await queryRunner.query(`
      CREATE TABLE task_runs (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage_run_id uuid NOT NULL REFERENCES stage_runs (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'skipped', ${OUTCOMES})),
        attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        exit_code integer,
        timed_out boolean NOT NULL DEFAULT false,
        duration_ms integer CHECK (duration_ms >= 0),
        outputs jsonb NOT NULL DEFAULT '{}',
        log_lines integer NOT NULL DEFAULT 0 CHECK (log_lines >= 0),
        errors text,
        started_at timestamptz,
        finished_at timestamptz,
        UNIQUE (stage_run_id, position),
        UNIQUE (stage_run_id, name)
      )`);
    await queryRunner.query(`CREATE INDEX task_runs_run ON task_runs (run_id)`);

    await queryRunner.query(`
      CREATE TABLE stage_environments (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage_run_id uuid NOT NULL REFERENCES stage_runs (id) ON DELETE CASCADE,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('provisioning', 'ready', 'failed', 'destroying', 'destroyed')),
        url text,
        failure_reason text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        destroy_requested_at timestamptz,
        destroyed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX stage_environments_run ON stage_environments (run_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE stage_environments');
    await queryRunner.query('DROP TABLE task_runs');
    await queryRunner.query('DROP TABLE stage_runs');
    await queryRunner.query('DROP TABLE runs');
  }
}
