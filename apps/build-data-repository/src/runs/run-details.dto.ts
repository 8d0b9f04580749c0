import { outcomeSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { iso, runSummarySchema, toRunSummary } from './list-runs.dto';
import { TASK_RUN_STATUSES, type RunStatus } from './run-merge';
import type { Run } from './run.entity';
import { stagesOfRun, type StageSummary } from './stage-summary';
import type { TaskRun } from './task-run.entity';

export const runParamsSchema = z.object({ id: z.string().min(1).max(200) });
export type RunParams = z.infer<typeof runParamsSchema>;

const time = z.iso.datetime().nullable();

export const taskRunSchema = z.object({
  id: z.string(),
  taskName: z.string(),
  attempt: z.number().int().describe('1 for the first attempt; retries count up'),
  status: z.enum(TASK_RUN_STATUSES),
  outcome: outcomeSchema.nullable(),
  exitCode: z.number().int().nullable(),
  errors: z.string().nullable(),
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().int().nullable(),
});

export const STAGE_RUN_STATUSES = ['pending', 'running', 'finished', 'skipped'] as const;

export const stageRunSchema = z.object({
  name: z.string(),
  position: z.number().int().nullable().describe('Index in the definition; null for a stage it does not list'),
  status: z
    .enum(STAGE_RUN_STATUSES)
    .describe('skipped: the run finished without starting it; finished also when the run skipped some of its tasks'),
  outcome: outcomeSchema.nullable().describe('The worst outcome of its tasks (latest attempt of each)'),
  taskCount: z.number().int().nullable(),
  tasksStarted: z.number().int(),
  tasksFinished: z.number().int(),
  startedAt: time,
  finishedAt: time,
  durationMs: z.number().int().nullable(),
  /** Every attempt of every task, in the order they started. */
  taskRuns: z.array(taskRunSchema),
});
export type StageRunDetails = z.infer<typeof stageRunSchema>;

/** `GET /runs/:id`: the run as executed. */
export const runDetailsSchema = runSummarySchema.extend({
  definition: z.record(z.string(), z.unknown()).nullable().describe('The resolved pipeline exactly as it ran'),
  /** In the order of the definition; stages it does not list after them, by start. */
  stages: z.array(stageRunSchema),
});
export type RunDetails = z.infer<typeof runDetailsSchema>;

/**
 * What a stage's status, as its task runs show it, means once the run is over: one never started was
 * skipped, and one whose started tasks all finished is finished even if the run skipped its other tasks
 * (after a failure).
 */
export function stageStatusOf(stage: Pick<StageSummary, 'status' | 'tasksStarted' | 'tasksFinished'>, run: RunStatus) {
  if (run !== 'finished' || stage.status === 'finished') return stage.status;
  if (stage.status === 'pending') return 'skipped';
  return stage.tasksFinished === stage.tasksStarted ? 'finished' : 'running';
}

/** `taskRuns`: every attempt of the run, in the order they started. */
export function toRunDetails(run: Run, taskRuns: TaskRun[]): RunDetails {
  return {
    ...toRunSummary(run),
    definition: run.definition,
    stages: stagesOfRun(run.definition, taskRuns).map((stage) => ({
      name: stage.name,
      position: stage.position,
      status: stageStatusOf(stage, run.status),
      outcome: stage.outcome,
      taskCount: stage.taskCount,
      tasksStarted: stage.tasksStarted,
      tasksFinished: stage.tasksFinished,
      startedAt: iso(stage.startedAt),
      finishedAt: iso(stage.finishedAt),
      durationMs: stage.durationMs,
      taskRuns: stage.attempts.map((task) => ({
        id: task.id,
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
    })),
  };
}
