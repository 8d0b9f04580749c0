import { trace, type Context, type Span } from '@opentelemetry/api';
import { newCDEvent, PIPELINE_RUN_STARTED, PipelineRunStarted, sourceOf } from '@pipewright/contracts';
import type { RunState } from '@pipewright/engine-core';
import type { OutboxWriter } from '@pipewright/event-bus';
import { contextFromTraceparent, startRunSpan, withContext } from '@pipewright/telemetry';
import type { EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../config/env';
import { StageEnvironment } from '../environments/stage-environment.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import type { ExecutingRun, RunRows } from './postgres-run-reporter';
import type { RunLeases } from './run-leases';
import { runStateOf, taskIdOf } from './run-state';

const SOURCE = sourceOf(SERVICE_NAME);

/** The stage and task rows of a run as `queue` wrote them (unchanged until the run starts). */
export interface QueuedRows {
  stages: readonly StageRun[];
  tasks: readonly TaskRun[];
}

/** A run this instance has taken to execute: its lease, its span, and the state its rows held then. */
export interface ClaimedRun {
  run: ExecutingRun;
  /** A fresh run (it was queued), or one resumed from its rows. */
  resumed: boolean;
  /** The run's span (SERVER, child of the request that queued it) and the context to execute in. */
  span: Span;
  context: Context;
  rows: RunRows;
  state: RunState;
  /** `performance.now()` before the lease was taken: the lease holds at least a lease length from then. */
  leaseFrom: number;
}

/**
 * Claims a run in the caller's transaction: takes its lease, makes a queued run running with
 * `pipelinerun.started`, and reads the rows the executor continues from, so that starting a run is one
 * transaction. Undefined when the run is not to be executed here (finished, no version, leased by
 * another live instance). The span is started here so `pipelinerun.started` belongs to the run's trace;
 * if the transaction then rolls back, it is simply never ended (and never exported).
 */
export async function claimRun(
  manager: EntityManager,
  deps: { leases: RunLeases; outbox: OutboxWriter },
  runId: string,
  /** The rows `queue` wrote, if this instance queued the run: a run that was queued is not read again. */
  queued?: QueuedRows,
): Promise<ClaimedRun | undefined> {
  const leaseFrom = performance.now();
  const startedAt = new Date();
  const taken = await deps.leases.take(manager, runId, startedAt);
  if (!taken || taken.run.version === null || taken.run.startedAt === null) return undefined;
  const run: ExecutingRun = { ...taken.run, version: taken.run.version, startedAt: taken.run.startedAt };
  const parent = contextFromTraceparent(run.traceparent ?? undefined, run.tracestate ?? undefined);
  const span = startRunSpan(run.pipelineName, run.id, parent, {
    'pipewright.component': run.component,
    'pipewright.team': run.team,
    'pipewright.version': run.version,
  });
  const context = trace.setSpan(parent, span);
  try {
    if (taken.wasQueued)
      await withContext(context, () =>
        deps.outbox.publish(
          manager,
          PipelineRunStarted,
          newCDEvent(
            PIPELINE_RUN_STARTED,
            SOURCE,
            { id: run.id, content: { pipelineName: run.pipelineName } },
            { component: run.component, team: run.team, solution: run.solution, version: run.version },
          ),
        ),
      );
    const known = taken.wasQueued ? queued : undefined;
    const stages = known?.stages ?? (await manager.find(StageRun, { where: { runId }, order: { position: 'ASC' } }));
    const tasks = known?.tasks ?? (await manager.find(TaskRun, { where: { runId }, order: { position: 'ASC' } }));
    // A run that was queued has asked for no environment yet.
    const environments = taken.wasQueued
      ? []
      : await manager.find(StageEnvironment, { where: { runId }, order: { requestedAt: 'ASC' } });
    return {
      run,
      resumed: !taken.wasQueued,
      span,
      context,
      rows: rowsOf(stages, tasks),
      state: runStateOf(run, stages, tasks, environments),
      leaseFrom,
    };
  } catch (error) {
    span.end();
    throw error;
  }
}

function rowsOf(stages: readonly StageRun[], tasks: readonly TaskRun[]): RunRows {
  const stageNames = new Map(stages.map((s) => [s.id, s.name]));
  const taskRunIds = new Map<string, string>();
  const logLines = new Map<string, number>();
  for (const task of tasks) {
    const taskId = taskIdOf(stageNames.get(task.stageRunId) ?? '', task.name);
    taskRunIds.set(taskId, task.id);
    logLines.set(taskId, task.logLines);
  }
  return { stageRunIds: new Map(stages.map((s) => [s.name, s.id])), taskRunIds, logLines };
}
