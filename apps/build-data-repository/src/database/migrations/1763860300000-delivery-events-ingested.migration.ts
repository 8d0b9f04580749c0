import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery events (test results, artifacts, deployments, incidents) are recorded by ingestion, no longer by
 * a `delivery-events` consumer group of their own. The note says which of the log's events that group was
 * responsible for: those up to its last seq, received in the day before the last one. At start-up,
 * DeliveryEventRecorder records those the group had not (no processed_messages row), then deletes the note.
 * An empty log leaves no note.
 */
export class DeliveryEventsIngested1763860300000 implements MigrationInterface {
  name = 'DeliveryEventsIngested1763860300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE delivery_events_handover (up_to_seq bigint NOT NULL, received_since timestamptz NOT NULL)`,
    );
    await queryRunner.query(`
      INSERT INTO delivery_events_handover (up_to_seq, received_since)
      SELECT max(seq), max(received_at) - interval '1 day' FROM events HAVING count(*) > 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE delivery_events_handover`);
  }
}
