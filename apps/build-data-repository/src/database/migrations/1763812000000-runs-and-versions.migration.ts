import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Components, their versions, runs as executed and the event log. Tables are unqualified: the
 * DataSource puts the `builddata` schema first on every connection's search_path.
 */
export class RunsAndVersions1763812000000 implements MigrationInterface {
  name = 'RunsAndVersions1763812000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE components (
        name text PRIMARY KEY,
        team text NOT NULL,
        solution text NOT NULL,
        repository_url text,
        -- 'semver' (e.g. 2.4.<n>) joins 'counter' when it is implemented.
        version_scheme text NOT NULL DEFAULT 'counter' CONSTRAINT components_version_scheme CHECK (version_scheme IN ('counter')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The one row every allocation for a component series updates: the row lock serializes allocations,
    // so numbers are handed out once each and in commit order. The counter scheme uses the series ''.
    await queryRunner.query(`
      CREATE TABLE version_counters (
        component text NOT NULL REFERENCES components (name),
        series text NOT NULL DEFAULT '',
        last bigint NOT NULL CONSTRAINT version_counters_positive CHECK (last > 0),
        PRIMARY KEY (component, series)
      )`);

    await queryRunner.query(`
      CREATE TABLE versions (
        component text NOT NULL REFERENCES components (name),
        version text NOT NULL,
        scheme text NOT NULL,
        series text NOT NULL DEFAULT '',
        number bigint NOT NULL,
        run_id text,
        revision text,
        allocated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT versions_pkey PRIMARY KEY (component, version),
        CONSTRAINT versions_number_unique UNIQUE (component, series, number)
      )`);
    // A run has one version, however often its queued event is delivered.
    await queryRunner.query(`CREATE UNIQUE INDEX versions_run_unique ON versions (run_id) WHERE run_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX versions_newest ON versions (component, allocated_at DESC)`);

    // No foreign keys from runs/task_runs: events arrive in any order, a task may be reported before its run.
    await queryRunner.query(`
      CREATE TABLE runs (
        id text PRIMARY KEY,
        pipeline_name text NOT NULL,
        component text NOT NULL,
        team text NOT NULL,
        solution text NOT NULL,
        revision text,
        trigger jsonb,
        definition jsonb,
        status text NOT NULL CONSTRAINT runs_status CHECK (status IN ('queued', 'running', 'finished')),
        outcome text CONSTRAINT runs_outcome CHECK (outcome IN ('success', 'failure', 'cancel', 'error')),
        errors text,
        version text,
        queued_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX runs_component ON runs (component, queued_at DESC)`);

    await queryRunner.query(`
      CREATE TABLE task_runs (
        id text PRIMARY KEY,
        run_id text NOT NULL,
        component text NOT NULL,
        stage text NOT NULL,
        task_name text NOT NULL,
        attempt integer NOT NULL,
        status text NOT NULL CONSTRAINT task_runs_status CHECK (status IN ('running', 'finished')),
        outcome text CONSTRAINT task_runs_outcome CHECK (outcome IN ('success', 'failure', 'cancel', 'error')),
        exit_code integer,
        errors text,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX task_runs_run ON task_runs (run_id, started_at)`);

    // Every CDEvent received, as received. seq orders them for cursors and live streams.
    await queryRunner.query(`
      CREATE TABLE events (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT events_seq_unique UNIQUE,
        cdevent_id text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        run_id text,
        time timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX events_run ON events (run_id, seq) WHERE run_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX events_type_time ON events (type, time)`);
    // Append-only is enforced, not just intended: history that can be edited is not history.
    await queryRunner.query(`
      CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the event log is append-only (% on events)', TG_OP;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE events`);
    await queryRunner.query(`DROP FUNCTION events_are_append_only()`);
    await queryRunner.query(`DROP TABLE task_runs`);
    await queryRunner.query(`DROP TABLE runs`);
    await queryRunner.query(`DROP TABLE versions`);
    await queryRunner.query(`DROP TABLE version_counters`);
    await queryRunner.query(`DROP TABLE components`);
  }
}
