import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each component's promotion path: promotions follow it in order (promotions/promotion-order.ts). */
export class PromotionsPath1763850300000 implements MigrationInterface {
  name = 'PromotionsPath1763850300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The default is DEFAULT_PROMOTION_PATH: components registered by their runs get it too.
    await queryRunner.query(
      `ALTER TABLE components ADD COLUMN promotion_path text[] NOT NULL DEFAULT '{passed-test,qa,production}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE components DROP COLUMN promotion_path`);
  }
}
