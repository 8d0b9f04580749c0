import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Environments and the resources they are made of. Tables land in the `provisioner` schema (search_path). */
export class CreateEnvironments1763900000000 implements MigrationInterface {
  name = 'CreateEnvironments1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE environments (
        id text PRIMARY KEY,
        name text NOT NULL,
        run_id text,
        component text NOT NULL,
        team text NOT NULL,
        solution text NOT NULL,
        size text NOT NULL,
        lifetime text NOT NULL CHECK (lifetime IN ('ephemeral', 'long-lived')),
        driver text NOT NULL,
        status text NOT NULL CHECK (status IN ('provisioning', 'ready', 'failed', 'deleted')),
        url text,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        failed_at timestamptz,
        deleted_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX environments_run_id ON environments (run_id, created_at)`);
    // Start-up reconciliation reads the environments that may still have something running.
    await queryRunner.query(
      `CREATE INDEX environments_live ON environments (status) WHERE status IN ('provisioning', 'ready')`,
    );
    await queryRunner.query(`
      CREATE TABLE resources (
        id uuid PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments (id),
        type text NOT NULL,
        size text NOT NULL,
        tags jsonb NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await queryRunner.query(`CREATE INDEX resources_environment_id ON resources (environment_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE resources`);
    await queryRunner.query(`DROP TABLE environments`);
  }
}
