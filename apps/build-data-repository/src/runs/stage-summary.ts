import type { Outcome } from '@pipewright/contracts';
import { z } from 'zod';

export const STAGE_STATUSES = ['pending', 'running', 'finished'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

/** What a stage summary needs of each task run (one row per attempt). */
export interface TaskAttempt {
  taskName: string;
  attempt: number;
  status: 'running' | 'finished';
  outcome: Outcome | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface StageSummary {
  status: StageStatus;
  outcome: Outcome | null;
  tasksStarted: number;
  tasksFinished: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

/** The worst outcome wins: one task that errored makes the stage an error, whatever the others did. */
const SEVERITY: readonly Outcome[] = ['success', 'cancel', 'failure', 'error'];

/**
 * A stage as its task runs show it. Each task counts by its latest attempt (a retry that passed makes the
 * task pass). The stage is finished once every task of the definition (`taskCount`; when unknown, every
 * task seen) has a finished latest attempt. Computed from all of the stage's task runs each time, so it
 * converges whatever order their events came in.
 */
export function summarizeStage(attempts: readonly TaskAttempt[], taskCount: number | null): StageSummary {
  const latest = new Map<string, TaskAttempt>();
  for (const attempt of attempts) {
    const known = latest.get(attempt.taskName);
    if (!known || attempt.attempt > known.attempt) latest.set(attempt.taskName, attempt);
  }
  const tasks = [...latest.values()];
  const finished = tasks.filter((t) => t.status === 'finished');
  const outcomes = finished.map((t) => t.outcome).filter((o): o is Outcome => o !== null);
  const status: StageStatus =
    tasks.length === 0
      ? 'pending'
      : finished.length === tasks.length && tasks.length >= (taskCount ?? 0)
        ? 'finished'
        : 'running';
  const startedAt = earliest(attempts.map((a) => a.startedAt));
  const finishedAt = status === 'finished' ? latestOf(attempts.map((a) => a.finishedAt)) : null;
  return {
    status,
    outcome:
      outcomes.length === 0 ? null : outcomes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a)),
    tasksStarted: tasks.length,
    tasksFinished: finished.length,
    startedAt,
    finishedAt,
    durationMs: startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
  };
}

function earliest(dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((a, b) => (b !== null && (a === null || b < a) ? b : a), null);
}

function latestOf(dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
}

export interface PlannedStage {
  name: string;
  /** Index in the definition's stages; null for a stage it does not list. */
  position: number | null;
  taskCount: number | null;
}

/** A resolved pipeline graph's step: one task, or parallel lanes of tasks. */
const stepShape = z.union([
  z.object({ kind: z.literal('task') }).loose(),
  z.object({ kind: z.literal('parallel'), lanes: z.array(z.array(z.unknown())) }).loose(),
]);
const sectionsShape = z.object({ first: z.array(stepShape), main: z.array(stepShape), last: z.array(stepShape) });

// Runs reported by the engine carry a resolved graph (tasks inside lifecycle sections); other tools may
// report a plain `stages[].tasks` list. Both give the planned task count.
const definitionShape = z.object({
  stages: z.array(
    z
      .object({ name: z.string().min(1), tasks: z.array(z.unknown()).optional(), sections: sectionsShape.optional() })
      .loose(),
  ),
});

function countTasks(sections: z.infer<typeof sectionsShape>): number {
  return [...sections.first, ...sections.main, ...sections.last].reduce(
    (count, step) => count + (step.kind === 'parallel' ? step.lanes.flat().length : 1),
    0,
  );
}

/** A stage of a run: where its definition places it, summarized from its task runs. */
export interface StageOfRun<T extends TaskAttempt> extends PlannedStage, StageSummary {
  /** Its task runs, in the order given. */
  attempts: T[];
}

/**
 * The stages of a run: those its definition snapshot plans, in order, then those only its task runs name
 * (the run's queued event not received yet, or a tool that reports no definition) by first start, then
 * name. Derived when read, not kept up to date while ingesting: every event of a task would otherwise
 * re-read the stage's task runs to summarize it again.
 */
export function stagesOfRun<T extends TaskAttempt & { stage: string }>(
  definition: Record<string, unknown> | null | undefined,
  attempts: readonly T[],
): StageOfRun<T>[] {
  const attemptsOf = new Map<string, T[]>();
  for (const attempt of attempts) {
    const known = attemptsOf.get(attempt.stage);
    if (known) known.push(attempt);
    else attemptsOf.set(attempt.stage, [attempt]);
  }
  const summarized = (stage: PlannedStage): StageOfRun<T> => {
    const ofStage = attemptsOf.get(stage.name) ?? [];
    return { ...stage, ...summarizeStage(ofStage, stage.taskCount), attempts: ofStage };
  };
  const planned = plannedStages(definition);
  const plannedNames = new Set(planned.map((stage) => stage.name));
  const startOf = (stage: StageSummary) => stage.startedAt?.getTime() ?? Infinity;
  const unplanned = [...attemptsOf.keys()]
    .filter((name) => !plannedNames.has(name))
    .map((name) => summarized({ name, position: null, taskCount: null }))
    .sort((a, b) => startOf(a) - startOf(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...planned.map(summarized), ...unplanned];
}

/** The stages a definition snapshot plans, in order; none when it has no readable `stages` list. */
export function plannedStages(definition: Record<string, unknown> | null | undefined): PlannedStage[] {
  const parsed = definitionShape.safeParse(definition);
  if (!parsed.success) return [];
  return parsed.data.stages.map((stage, position) => ({
    name: stage.name,
    position,
    taskCount: stage.tasks?.length ?? (stage.sections ? countTasks(stage.sections) : null),
  }));
}
