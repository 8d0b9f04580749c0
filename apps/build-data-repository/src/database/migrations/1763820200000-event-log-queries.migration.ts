import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The event log by component, type and subject, and a notification for live streams on every insert. */
export class EventLogQueries1763820200000 implements MigrationInterface {
  name = 'EventLogQueries1763820200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE events ADD COLUMN component text`);
    // The log is append-only; filling in a new column for old rows is the one exception.
    await queryRunner.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    await queryRunner.query(`
      UPDATE events SET component = COALESCE(payload #>> '{customData,component}', payload #>> '{subject,content,component}')`);
    await queryRunner.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);

    await queryRunner.query(`CREATE INDEX events_component ON events (component, seq) WHERE component IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX events_type ON events (type, seq)`);
    await queryRunner.query(`CREATE INDEX events_subject ON events (subject, seq) WHERE subject IS NOT NULL`);

    // One notification per insert statement, delivered at commit, carrying the newest seq: every
    // instance's live stream hears of every event, whichever instance stored it.
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

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER events_notify ON events`);
    await queryRunner.query(`DROP FUNCTION events_notify()`);
    await queryRunner.query(`DROP INDEX events_subject`);
    await queryRunner.query(`DROP INDEX events_type`);
    await queryRunner.query(`DROP INDEX events_component`);
    await queryRunner.query(`ALTER TABLE events DROP COLUMN component`);
  }
}
