import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run can be cancelled through the API. The request is recorded on the run, so that whichever engine
 * instance executes it (now, or after taking it over from one that died) cancels it, and the run says
 * who cancelled it and why.
 */
export class RunCancellation1763911000000 implements MigrationInterface {
  name = 'RunCancellation1763911000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE runs
        ADD COLUMN cancel_requested_at timestamptz,
        ADD COLUMN cancel_requested_by text,
        ADD COLUMN cancel_reason text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE runs
        DROP COLUMN cancel_reason,
        DROP COLUMN cancel_requested_by,
        DROP COLUMN cancel_requested_at`);
  }
}
