import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who or what asked for a version over HTTP (tools outside Pipewright); runs' versions have none. */
export class VersionsRequestedBy1763850000000 implements MigrationInterface {
  name = 'VersionsRequestedBy1763850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE versions ADD COLUMN requested_by text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE versions DROP COLUMN requested_by`);
  }
}
