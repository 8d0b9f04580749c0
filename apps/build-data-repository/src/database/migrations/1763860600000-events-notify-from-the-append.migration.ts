import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log's insert notification comes from the append statement itself (EventLogService.appendMany)
 * instead of a statement trigger: the trigger's transition table copied every inserted row, payload and
 * all, into a tuplestore only to read the newest seq back (measured on this machine, 200,000 rows of the
 * events table with its indexes: 4.2-5.8 s without the trigger, 5.1-6.3 s with it). The notification is the same:
 * one per append, on `builddata_events`, carrying the newest seq, delivered at commit.
 */
export class EventsNotifyFromTheAppend1763860600000 implements MigrationInterface {
  name = 'EventsNotifyFromTheAppend1763860600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER events_notify ON events`);
    await queryRunner.query(`DROP FUNCTION events_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE newest bigint;
      BEGIN
        SELECT max(seq) INTO newest FROM inserted;
        IF newest IS NOT NULL THEN
          PERFORM pg_notify('builddata_events', newest::text);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_notify AFTER INSERT ON events
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION events_notify()`);
  }
}
