import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Promotions recorded by people and tools (`POST .../promotions`). A version's path through environments
 * is these together with its deployments (the deployments table), read side by side.
 */
export class Promotions1763830300000 implements MigrationInterface {
  name = 'Promotions1763830300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE promotions (
        id uuid PRIMARY KEY,
        component text NOT NULL,
        version text NOT NULL,
        environment text NOT NULL,
        promoted_by text NOT NULL,
        reason text,
        promoted_at timestamptz NOT NULL,
        FOREIGN KEY (component, version) REFERENCES versions (component, version)
      )`);
    await queryRunner.query(`CREATE INDEX promotions_version ON promotions (component, version, promoted_at)`);
    await queryRunner.query(`CREATE INDEX promotions_environment ON promotions (environment, promoted_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE promotions`);
  }
}
