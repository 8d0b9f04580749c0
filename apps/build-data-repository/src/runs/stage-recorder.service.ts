import { Injectable } from '@nestjs/common';
import type { Outcome } from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { StageRun } from './stage-run.entity';
import { plannedStages, summarizeStage, type TaskAttempt } from './stage-summary';
import { TaskRun } from './task-run.entity';

export interface StageKey {
  runId: string;
  stage: string;
}

interface AttemptRow extends TaskAttempt {
  runId: string;
  stage: string;
}

const keyOf = (k: StageKey) => `${k.runId}\u0000${k.stage}`;

/**
 * Keeps stage_runs in step with a batch of run events: stages are planned from definition snapshots
 * (position, number of tasks) and summarized from their task runs (see summarizeStage). Each touched
 * stage is summarized from all of its task runs as they are now, so the result does not depend on the
 * order events arrived in.
 */
@Injectable()
export class StageRecorder {
  async update(
    manager: EntityManager,
    planned: readonly { runId: string; definition: Record<string, unknown> }[],
    touched: readonly StageKey[],
  ): Promise<void> {
    const table = manager.connection.getMetadata(StageRun).tablePath;
    // A run queued twice in one batch plans its stages once (Postgres cannot upsert a row twice in one statement).
    const plansByKey = new Map(
      planned.flatMap(({ runId, definition }) =>
        plannedStages(definition).map((stage) => [keyOf({ runId, stage: stage.name }), { runId, ...stage }] as const),
      ),
    );
    const plans = [...plansByKey.values()];
    if (plans.length > 0) {
      await manager.query(
        `INSERT INTO ${table} AS stored (run_id, name, position, task_count, status, tasks_started, tasks_finished)
         SELECT run_id, name, position, task_count, 'pending', 0, 0
         FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[]) AS plan(run_id, name, position, task_count)
         ON CONFLICT (run_id, name) DO UPDATE SET
           position = COALESCE(stored.position, EXCLUDED.position),
           task_count = COALESCE(stored.task_count, EXCLUDED.task_count)`,
        [
          plans.map((p) => p.runId),
          plans.map((p) => p.name),
          plans.map((p) => p.position),
          plans.map((p) => p.taskCount),
        ],
      );
    }
    const stages = new Map<string, StageKey>();
    for (const key of [...plans.map((p) => ({ runId: p.runId, stage: p.name })), ...touched])
      stages.set(keyOf(key), key);
    if (stages.size === 0) return;
    // Sorted: concurrent transactions lock stage rows in one order.
    const keys = [...stages.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
    const runIds = keys.map((k) => k.runId);
    const names = keys.map((k) => k.stage);

    const attempts = await manager.query<AttemptRow[]>(
      `SELECT t.run_id AS "runId", t.stage, t.task_name AS "taskName", t.attempt, t.status, t.outcome,
              t.started_at AS "startedAt", t.finished_at AS "finishedAt"
       FROM ${manager.connection.getMetadata(TaskRun).tablePath} t
       JOIN unnest($1::text[], $2::text[]) AS k(run_id, stage) ON t.run_id = k.run_id AND t.stage = k.stage`,
      [runIds, names],
    );
    const counts = await manager.query<{ runId: string; name: string; taskCount: number | null }[]>(
      `SELECT s.run_id AS "runId", s.name, s.task_count AS "taskCount"
       FROM ${table} s JOIN unnest($1::text[], $2::text[]) AS k(run_id, name) ON s.run_id = k.run_id AND s.name = k.name`,
      [runIds, names],
    );
    const attemptsOf = new Map<string, TaskAttempt[]>();
    for (const row of attempts) {
      const key = keyOf({ runId: row.runId, stage: row.stage });
      attemptsOf.set(key, [...(attemptsOf.get(key) ?? []), row]);
    }
    const taskCounts = new Map(counts.map((c) => [keyOf({ runId: c.runId, stage: c.name }), c.taskCount]));
    const summaries = keys.map((key) =>
      summarizeStage(attemptsOf.get(keyOf(key)) ?? [], taskCounts.get(keyOf(key)) ?? null),
    );

    await manager.query(
      `INSERT INTO ${table} AS stored
         (run_id, name, status, outcome, tasks_started, tasks_finished, started_at, finished_at, duration_ms)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::integer[],
                            $7::timestamptz[], $8::timestamptz[], $9::bigint[])
       ON CONFLICT (run_id, name) DO UPDATE SET
         status = EXCLUDED.status, outcome = EXCLUDED.outcome, tasks_started = EXCLUDED.tasks_started,
         tasks_finished = EXCLUDED.tasks_finished, started_at = EXCLUDED.started_at,
         finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, updated_at = now()`,
      [
        runIds,
        names,
        summaries.map((s) => s.status),
        summaries.map((s): Outcome | null => s.outcome),
        summaries.map((s) => s.tasksStarted),
        summaries.map((s) => s.tasksFinished),
        summaries.map((s) => s.startedAt),
        summaries.map((s) => s.finishedAt),
        summaries.map((s) => s.durationMs),
      ],
    );
  }
}
