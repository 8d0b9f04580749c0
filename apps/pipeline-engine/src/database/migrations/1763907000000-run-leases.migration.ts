import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several engine instances share the runs: the one executing a run holds its lease (its instance id
 * and until when), renews it while it runs, and an instance that finds a lease expired takes the run
 * over. The time is the database's, so instances' clocks need not agree.
 */
export class RunLeases1763907000000 implements MigrationInterface {
  name = 'RunLeases1763907000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE runs
        ADD COLUMN lease_owner text,
        ADD COLUMN lease_expires_at timestamptz,
        ADD CONSTRAINT runs_lease_complete CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))`);
    // Every instance's sweep asks, every few seconds: which runs to execute has nobody (alive) executing them.
    await queryRunner.query(`
      CREATE INDEX runs_executable ON runs (created_at)
        WHERE status = 'running' OR (status = 'queued' AND version IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX runs_executable');
    await queryRunner.query(`
      ALTER TABLE runs
        DROP CONSTRAINT runs_lease_complete,
        DROP COLUMN lease_expires_at,
        DROP COLUMN lease_owner`);
  }
}
