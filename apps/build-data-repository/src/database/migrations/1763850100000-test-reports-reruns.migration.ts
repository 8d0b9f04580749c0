import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Surefire/Gradle reruns: a case that passed only on a rerun is flaky; a case rerun keeps its failed
 * attempts. Suites and reports count their flaky cases (reports stored before stay at 0: they had none read).
 */
export class TestReportsReruns1763850100000 implements MigrationInterface {
  name = 'TestReportsReruns1763850100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE test_cases
        ADD COLUMN flaky boolean NOT NULL DEFAULT false,
        ADD COLUMN reruns integer NOT NULL DEFAULT 0,
        ADD COLUMN failed_attempts jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE test_suites ADD COLUMN flaky integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE test_reports ADD COLUMN flaky integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE test_reports DROP COLUMN flaky`);
    await queryRunner.query(`ALTER TABLE test_suites DROP COLUMN flaky`);
    await queryRunner.query(
      `ALTER TABLE test_cases DROP COLUMN flaky, DROP COLUMN reruns, DROP COLUMN failed_attempts`,
    );
  }
}
