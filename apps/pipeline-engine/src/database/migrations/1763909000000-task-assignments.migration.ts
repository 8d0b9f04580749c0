import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks with a `pool` run on `pipewright worker` processes: each attempt is an assignment the engine
 * publishes (through the outbox) and follows here: accepted by which worker, its heartbeats, its result.
 * A restarted engine reads the result from here instead of running the task again.
 */
export class TaskAssignments1763909000000 implements MigrationInterface {
  name = 'TaskAssignments1763909000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE task_assignments (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task_run_id uuid NOT NULL,
        task_id text NOT NULL,
        pool text NOT NULL,
        attempt integer NOT NULL,
        idempotent boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('assigned', 'accepted', 'finished', 'abandoned')),
        worker_id text,
        replaces uuid,
        log_lines integer NOT NULL DEFAULT 0,
        result jsonb,
        abandon_reason text,
        assigned_at timestamptz NOT NULL,
        accepted_at timestamptz,
        heartbeat_at timestamptz,
        finished_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT task_assignments_finished_has_result CHECK ((status = 'finished') = (result IS NOT NULL)),
        CONSTRAINT task_assignments_accepted_has_worker CHECK (status IN ('assigned', 'abandoned') OR worker_id IS NOT NULL)
      )`);
    // The executor's question when a task (re)starts: what was assigned for it before.
    await queryRunner.query(`CREATE INDEX task_assignments_task ON task_assignments (run_id, task_id, assigned_at)`);
    // The sweep's question: which live assignments belong to task runs that are over.
    await queryRunner.query(
      `CREATE INDEX task_assignments_live ON task_assignments (task_run_id) WHERE status IN ('assigned', 'accepted')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE task_assignments');
  }
}
