import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What each version was published as: package URL, digest, where it lies. */
export class Artifacts1763830100000 implements MigrationInterface {
  name = 'Artifacts1763830100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No foreign key to versions: a published event may arrive before the version's allocation is stored.
    await queryRunner.query(`
      CREATE TABLE artifacts (
        component text NOT NULL,
        version text NOT NULL,
        purl text NOT NULL,
        digest text NOT NULL CONSTRAINT artifacts_digest CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
        uri text NOT NULL,
        sbom_uri text,
        run_id text,
        published_at timestamptz NOT NULL,
        PRIMARY KEY (component, version, purl)
      )`);
    // Deployments name what they deployed by purl.
    await queryRunner.query(`CREATE INDEX artifacts_purl ON artifacts (purl)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE artifacts`);
  }
}
