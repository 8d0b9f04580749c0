import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A turn draws its block of event seq numbers with one nextval and one setval instead of one nextval per
 * event, and returns the block's first number instead of an array of all of them. Safe because only
 * events_take_turn draws from the sequence, under the turns lock.
 */
export class EventSeqBlocks1763860100000 implements MigrationInterface {
  name = 'EventSeqBlocks1763860100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION events_take_turn(integer)`);
    await queryRunner.query(`
      CREATE FUNCTION events_take_turn(n integer, OUT turn bigint, OUT first_seq bigint)
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      DECLARE sequence text := pg_get_serial_sequence('events', 'seq');
      BEGIN
        PERFORM pg_advisory_lock(hashtextextended('builddata.events.turns', 0));
        BEGIN
          turn := nextval('events_append_turn');
          PERFORM pg_advisory_xact_lock(hashtext('builddata.events.turn'), (turn % 2147483647)::integer);
          first_seq := nextval(sequence);
          IF n > 1 THEN
            PERFORM setval(sequence, first_seq + n - 1);
          END IF;
        EXCEPTION WHEN OTHERS THEN
          PERFORM pg_advisory_unlock(hashtextextended('builddata.events.turns', 0));
          RAISE;
        END;
        PERFORM pg_advisory_unlock(hashtextextended('builddata.events.turns', 0));
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION events_take_turn(integer)`);
    await queryRunner.query(`
      CREATE FUNCTION events_take_turn(n integer, OUT turn bigint, OUT seqs bigint[])
      LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
      BEGIN
        PERFORM pg_advisory_lock(hashtextextended('builddata.events.turns', 0));
        BEGIN
          turn := nextval('events_append_turn');
          PERFORM pg_advisory_xact_lock(hashtext('builddata.events.turn'), (turn % 2147483647)::integer);
          seqs := ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'seq')) FROM generate_series(1, n));
        EXCEPTION WHEN OTHERS THEN
          PERFORM pg_advisory_unlock(hashtextextended('builddata.events.turns', 0));
          RAISE;
        END;
        PERFORM pg_advisory_unlock(hashtextextended('builddata.events.turns', 0));
      END $$`);
  }
}
