import type { MigrationInterface, QueryRunner } from 'typeorm';

/** JUnit reports attached to runs, parsed into suites and cases. */
export class TestReports1763830000000 implements MigrationInterface {
  name = 'TestReports1763830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per test suite run (a JUnit report). No foreign key to runs: a report may arrive before its run.
    await queryRunner.query(`
      CREATE TABLE test_reports (
        id text PRIMARY KEY,
        run_id text NOT NULL,
        task_run_id text,
        task_name text,
        component text NOT NULL,
        version text,
        revision text,
        environment text NOT NULL,
        outcome text NOT NULL CONSTRAINT test_reports_outcome CHECK (outcome IN ('success', 'failure', 'cancel', 'error')),
        tests integer NOT NULL,
        passed integer NOT NULL,
        failed integer NOT NULL,
        errors integer NOT NULL,
        skipped integer NOT NULL,
        duration_ms bigint NOT NULL,
        -- Set when the report's XML could not be read; the report then has no suites.
        parse_error text,
        finished_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX test_reports_run ON test_reports (run_id, finished_at)`);
    await queryRunner.query(`CREATE INDEX test_reports_component_version ON test_reports (component, version)`);

    await queryRunner.query(`
      CREATE TABLE test_suites (
        report_id text NOT NULL REFERENCES test_reports (id) ON DELETE CASCADE,
        position integer NOT NULL,
        name text NOT NULL,
        tests integer NOT NULL,
        passed integer NOT NULL,
        failed integer NOT NULL,
        errors integer NOT NULL,
        skipped integer NOT NULL,
        duration_ms bigint,
        PRIMARY KEY (report_id, position)
      )`);

    await queryRunner.query(`
      CREATE TABLE test_cases (
        report_id text NOT NULL,
        suite_position integer NOT NULL,
        position integer NOT NULL,
        name text NOT NULL,
        classname text,
        status text NOT NULL CONSTRAINT test_cases_status CHECK (status IN ('passed', 'failed', 'error', 'skipped')),
        duration_ms bigint,
        message text,
        PRIMARY KEY (report_id, suite_position, position),
        FOREIGN KEY (report_id, suite_position) REFERENCES test_suites (report_id, position) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_cases`);
    await queryRunner.query(`DROP TABLE test_suites`);
    await queryRunner.query(`DROP TABLE test_reports`);
  }
}
