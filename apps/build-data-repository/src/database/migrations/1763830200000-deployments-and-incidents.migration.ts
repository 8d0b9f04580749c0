import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deployments and incidents, as CDEvents report them: what DORA metrics are computed from. */
export class DeploymentsAndIncidents1763830200000 implements MigrationInterface {
  name = 'DeploymentsAndIncidents1763830200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per service.deployed|upgraded|rolledback event, keyed by the CDEvent's id: re-publishing the
    // same event records it once.
    await queryRunner.query(`
      CREATE TABLE deployments (
        id text PRIMARY KEY,
        kind text NOT NULL CONSTRAINT deployments_kind CHECK (kind IN ('deployed', 'upgraded', 'rolledback')),
        component text NOT NULL,
        version text NOT NULL,
        environment text NOT NULL,
        service text NOT NULL,
        artifact_id text NOT NULL,
        revision text,
        commit_time timestamptz,
        run_id text,
        deployed_by text NOT NULL,
        deployed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX deployments_component_environment ON deployments (component, environment, deployed_at)`,
    );
    await queryRunner.query(`CREATE INDEX deployments_environment ON deployments (environment, deployed_at)`);

    // Detected and resolved arrive in any order; both fill in one row.
    await queryRunner.query(`
      CREATE TABLE incidents (
        id text PRIMARY KEY,
        component text NOT NULL,
        environment text NOT NULL,
        description text,
        deployment_id text,
        revision text,
        version text,
        artifact_id text,
        detected_at timestamptz,
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX incidents_component ON incidents (component, detected_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE incidents`);
    await queryRunner.query(`DROP TABLE deployments`);
  }
}
