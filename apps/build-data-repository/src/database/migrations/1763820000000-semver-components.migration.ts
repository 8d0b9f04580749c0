import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Components may use semver with an auto-incremented part (`2.4.<n>`); lists filter by team and solution. */
export class SemverComponents1763820000000 implements MigrationInterface {
  name = 'SemverComponents1763820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE components DROP CONSTRAINT components_version_scheme`);
    await queryRunner.query(`ALTER TABLE components ADD COLUMN version_pattern text`);
    await queryRunner.query(`
      ALTER TABLE components
        ADD CONSTRAINT components_version_scheme CHECK (version_scheme IN ('counter', 'semver')),
        ADD CONSTRAINT components_version_pattern CHECK ((version_scheme = 'semver') = (version_pattern IS NOT NULL))`);
    await queryRunner.query(`CREATE INDEX components_team ON components (team, name)`);
    await queryRunner.query(`CREATE INDEX components_solution ON components (solution, name)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX components_solution`);
    await queryRunner.query(`DROP INDEX components_team`);
    await queryRunner.query(`ALTER TABLE components DROP CONSTRAINT components_version_pattern`);
    await queryRunner.query(`ALTER TABLE components DROP CONSTRAINT components_version_scheme`);
    await queryRunner.query(`ALTER TABLE components DROP COLUMN version_pattern`);
    await queryRunner.query(
      `ALTER TABLE components ADD CONSTRAINT components_version_scheme CHECK (version_scheme IN ('counter'))`,
    );
  }
}
