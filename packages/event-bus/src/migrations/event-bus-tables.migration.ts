import type { MigrationInterface, QueryRunner } from 'typeorm';

function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema.replace(/"/g, '""')}"`;
}

/** The outbox and processed-messages tables; every service lists this among its migrations. */
export class EventBusTables1763800000000 implements MigrationInterface {
  name = 'EventBusTables1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${s}.outbox (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        partition_key text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        subject text,
        payload jsonb NOT NULL,
        traceparent text,
        tracestate text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_unsent ON ${s}.outbox (id) WHERE sent_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE ${s}.processed_messages (
        consumer text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${s}.processed_messages`);
    await queryRunner.query(`DROP TABLE ${s}.outbox`);
  }
}
