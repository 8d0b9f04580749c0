import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which long-lived environment a stage ran in (the newest ready one of its name when the stage started),
 * so the run shows it as it shows an ephemeral one. Not a foreign key: the provisioner's events fill
 * long_lived_environments, and a run's history must not depend on that projection keeping a row.
 */
export class StageLongLivedEnvironment1763912000000 implements MigrationInterface {
  name = 'StageLongLivedEnvironment1763912000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stage_runs ADD COLUMN long_lived_environment_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE stage_runs DROP COLUMN long_lived_environment_id`);
  }
}
