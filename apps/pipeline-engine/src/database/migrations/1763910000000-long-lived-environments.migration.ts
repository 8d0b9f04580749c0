import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Long-lived environments (`environment: qa`) as the provisioner's events describe them, one row per
 * environment: runs look the newest of a name up instead of provisioning it.
 */
export class LongLivedEnvironments1763910000000 implements MigrationInterface {
  name = 'LongLivedEnvironments1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE long_lived_environments (
        environment_id text PRIMARY KEY,
        name text NOT NULL,
        component text NOT NULL,
        status text NOT NULL CHECK (status IN ('ready', 'failed', 'deleted')),
        url text,
        failure_reason text,
        status_at timestamptz NOT NULL,
        provisioned_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT long_lived_environments_failed_has_reason CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
      )`);
    // A stage's question: the newest environment of this name.
    await queryRunner.query(
      'CREATE INDEX long_lived_environments_newest ON long_lived_environments (name, provisioned_at DESC NULLS LAST, status_at DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE long_lived_environments');
  }
}
