import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appending to the event log without taking turns for the whole insert. Before, every appending
 * transaction held one lock from its insert to its commit, so `seq` numbers became visible in order;
 * batches then waited for each other's whole insert. Now an appender takes a *turn* (a number, its seq
 * block drawn with it, and a lock on the turn held to its commit) in one short step, inserts side by side
 * with others, and before committing waits only for the previous turn to end. Turns end in order, so seq
 * numbers still become visible in order: a reader that has seen seq n never later finds a smaller one.
 */
export class IngestCommitOrder1763840000000 implements MigrationInterface {
  name = 'IngestCommitOrder1763840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE events_append_turn`);
    // Taking a turn must be atomic with drawing its seq block: a session lock (a transaction-level one
    // would be held to the commit) released before returning, also when something in between fails.
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
    // Returns once the turn before has ended (committed or rolled back); that one waited for its own.
    await queryRunner.query(`
      CREATE FUNCTION events_await_turn(turn bigint) RETURNS void LANGUAGE sql AS $$
        SELECT pg_advisory_xact_lock_shared(hashtext('builddata.events.turn'), ((turn - 1) % 2147483647)::integer)
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION events_await_turn(bigint)`);
    await queryRunner.query(`DROP FUNCTION events_take_turn(integer)`);
    await queryRunner.query(`DROP SEQUENCE events_append_turn`);
  }
}
