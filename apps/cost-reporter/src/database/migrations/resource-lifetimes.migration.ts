import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Resource lifetimes with their cost tags, and environments' deletion times. */
export class ResourceLifetimes1763900500000 implements MigrationInterface {
  name = 'ResourceLifetimes1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cost.environments (
        environment_id text PRIMARY KEY,
        name text NOT NULL,
        run_id text,
        component text NOT NULL,
        deleted_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE cost.resource_lifetimes (
        environment_id text NOT NULL,
        resource_id text NOT NULL,
        run_id text,
        type text,
        size text NOT NULL,
        service text NOT NULL,
        team text NOT NULL,
        solution text NOT NULL,
        environment text NOT NULL,
        started_at timestamptz,
        ended_at timestamptz,
        PRIMARY KEY (environment_id, resource_id)
      )`);
    // Reports select lifetimes that start before the end of their window.
    await queryRunner.query('CREATE INDEX resource_lifetimes_started_at ON cost.resource_lifetimes (started_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE cost.resource_lifetimes');
    await queryRunner.query('DROP TABLE cost.environments');
  }
}
