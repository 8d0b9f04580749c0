import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /deployments` and `GET /incidents`: newest first, keyset-paged on (time, id). The filtered lists
 * use the per-component and per-environment indexes; these serve the unfiltered ones and team filters.
 */
export class DeploymentsAndIncidentsLists1763850200000 implements MigrationInterface {
  name = 'DeploymentsAndIncidentsLists1763850200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX deployments_listed ON deployments (deployed_at DESC, id DESC)`);
    // The list's time expression (delivery-history.service.ts): detection, else resolution when it came first.
    await queryRunner.query(
      `CREATE INDEX incidents_listed ON incidents ((COALESCE(detected_at, resolved_at, updated_at)) DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX incidents_listed`);
    await queryRunner.query(`DROP INDEX deployments_listed`);
  }
}
