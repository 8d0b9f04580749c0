import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What starts runs besides `POST /runs`: registered triggers (a git push webhook, a cron schedule, an
 * upstream component's successful run), and each time one fired, keyed so that a replayed webhook
 * delivery, a schedule slot claimed by two engines or a redelivered upstream event starts one run.
 */
export class Triggers1763906000000 implements MigrationInterface {
  name = 'Triggers1763906000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE triggers (
        id uuid PRIMARY KEY,
        component text NOT NULL,
        workspace text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('webhook', 'schedule', 'upstream')),
        config jsonb NOT NULL,
        next_run_at timestamptz,
        created_at timestamptz NOT NULL,
        CONSTRAINT triggers_schedule_has_next CHECK ((kind = 'schedule') = (next_run_at IS NOT NULL))
      )`);
    // The scheduler's question every tick: which schedules are due.
    await queryRunner.query(`CREATE INDEX triggers_due ON triggers (next_run_at) WHERE kind = 'schedule'`);
    // The upstream consumer's question for every finished run: who waits for this component.
    await queryRunner.query(
      `CREATE INDEX triggers_upstream ON triggers ((config->'upstream'->>'component')) WHERE kind = 'upstream'`,
    );
    await queryRunner.query(`
      CREATE TABLE trigger_firings (
        trigger_id uuid NOT NULL REFERENCES triggers (id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        run_id uuid,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (trigger_id, dedupe_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE trigger_firings');
    await queryRunner.query('DROP TABLE triggers');
  }
}
