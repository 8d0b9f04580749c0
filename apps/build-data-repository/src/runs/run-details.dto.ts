import { z } from 'zod';
import type { Run } from './run.entity';
import type { TaskRun } from './task-run.entity';

export const runParamsSchema = z.object({ id: z.string().min(1).max(200) });
export type RunParams = z.infer<typeof runParamsSchema>;

export interface TaskRunDetails {
  id: string;
  stage: string;
  taskName: string;
  attempt: number;
  status: TaskRun['status'];
  outcome: TaskRun['outcome'];
  exitCode: number | null;
  errors: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** `GET /runs/:id`: the run as executed. */
export interface RunDetails {
  id: string;
  pipelineName: string;
  component: string;
  team: string;
  solution: string;
  revision: string | null;
  trigger: Run['trigger'];
  definition: Run['definition'];
  version: string | null;
  status: Run['status'];
  outcome: Run['outcome'];
  errors: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** In the order they started. */
  taskRuns: TaskRunDetails[];
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toRunDetails(run: Run, taskRuns: TaskRun[]): RunDetails {
  return {
    id: run.id,
    pipelineName: run.pipelineName,
    component: run.component,
    team: run.team,
    solution: run.solution,
    revision: run.revision,
    trigger: run.trigger,
    definition: run.definition,
    version: run.version,
    status: run.status,
    outcome: run.outcome,
    errors: run.errors,
    queuedAt: iso(run.queuedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.durationMs,
    taskRuns: taskRuns.map((task) => ({
      id: task.id,
      stage: task.stage,
      taskName: task.taskName,
      attempt: task.attempt,
      status: task.status,
      outcome: task.outcome,
      exitCode: task.exitCode,
      errors: task.errors,
      startedAt: iso(task.startedAt),
      finishedAt: iso(task.finishedAt),
      durationMs: task.durationMs,
    })),
  };
}
