import { Injectable } from '@nestjs/common';
import {
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  type PipelineRunQueued,
} from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { mergeUpsertMany } from '../database/merge-upsert-many';
import { RunVersionAllocator } from '../versions/run-version-allocator.service';
import { asRunEvent, runIdOf, type RunEvent, type ValidatedMessage } from './run-event';
import {
  finishedRun,
  finishedTaskRun,
  queuedRun,
  runMergeRules,
  startedRun,
  startedTaskRun,
  taskRunMergeRules,
  type RunPatch,
  type TaskRunPatch,
} from './run-merge';
import { Run } from './run.entity';
import { StageRecorder, type StageKey } from './stage-recorder.service';
import { TaskRun } from './task-run.entity';

/**
 * Records runs as executed from their events, a batch at a time, in the caller's transaction. See
 * run-merge.ts for how out-of-order and repeated events converge: every event becomes a patch, the
 * patches of a batch are folded per row and written with one statement per table.
 */
@Injectable()
export class RunRecorder {
  constructor(
    private readonly components: ComponentService,
    private readonly allocator: RunVersionAllocator,
    private readonly stages: StageRecorder,
  ) {}

  /** Records the run and task-run events among `messages` (in delivery order); other messages are ignored. */
  async record(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<void> {
    await this.recordRuns(manager, messages);
    await this.recordVersions(manager, messages);
  }

  /** The runs, task runs and stage runs of `messages`: everything but the versions of queued runs. */
  async recordRuns(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<void> {
    const events = messages.map(asRunEvent).filter((e): e is RunEvent => e !== undefined);
    if (events.length === 0) return;
    // Events of a run come from one partition, read by one consumer; during a rebalance two consumers
    // may briefly hold it. The lock keeps their batches from interleaving on one run (ids sorted: no deadlock).
    const runIds = [...new Set(events.map(runIdOf))].sort();
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('run:' || id, 0)) FROM unnest($1::text[]) AS id`,
      [runIds],
    );

    const queued = events.flatMap((e) => (e.type === PIPELINE_RUN_QUEUED ? [e.event] : []));
    const runPatches: RunPatch[] = [];
    const taskPatches: TaskRunPatch[] = [];
    const touchedStages: StageKey[] = [];
    for (const runEvent of events) {
      switch (runEvent.type) {
        case PIPELINE_RUN_QUEUED:
          runPatches.push(queuedRun(runEvent.event));
          break;
        case PIPELINE_RUN_STARTED:
          runPatches.push(startedRun(runEvent.event));
          break;
        case PIPELINE_RUN_FINISHED:
          runPatches.push(finishedRun(runEvent.event));
          break;
        case TASK_RUN_STARTED:
        case TASK_RUN_FINISHED: {
          const patch =
            runEvent.type === TASK_RUN_STARTED ? startedTaskRun(runEvent.event) : finishedTaskRun(runEvent.event);
          taskPatches.push(patch);
          touchedStages.push({ runId: patch.runId, stage: patch.stage });
          break;
        }
      }
    }
    await mergeUpsertMany(manager, Run, runMergeRules, runPatches);
    await mergeUpsertMany(manager, TaskRun, taskRunMergeRules, taskPatches);
    await this.stages.update(
      manager,
      queued.map((event) => ({ runId: event.subject.id, definition: event.customData.definition })),
      touchedStages,
    );
  }

  /**
   * Gives each queued run among `messages` its version (recordRuns must have recorded the runs). A
   * component's counter row stays locked from here to the commit, so call it as late as possible: the
   * ingest transaction calls it after appending to the event log, whose lock already makes batches take
   * turns there, so batches never wait for each other's counters.
   */
  async recordVersions(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<void> {
    const queued = messages.map(asRunEvent).flatMap((e) => (e?.type === PIPELINE_RUN_QUEUED ? [e.event] : []));
    if (queued.length === 0) return;
    const versions = await this.allocateVersions(manager, queued);
    await this.writeVersions(manager, versions);
  }

  /**
   * The run's version as allocated here: it wins over what later events of the run report (they repeat
   * it; a disagreeing one is not the repository's version).
   */
  private async writeVersions(manager: EntityManager, versions: Map<string, string>): Promise<void> {
    await manager.query(
      `UPDATE ${manager.connection.getMetadata(Run).tablePath} AS run
       SET version = allocated.version, updated_at = now()
       FROM unnest($1::text[], $2::text[]) AS allocated(id, version)
       WHERE run.id = allocated.id`,
      [[...versions.keys()], [...versions.values()]],
    );
  }

  /**
   * Each queued run's version, by run id: its component is registered (or its owner updated) and the run
   * gets the component's next version, announced, in the batch's transaction. In component order, so
   * concurrent batches take the components' counter rows in one order and cannot deadlock; within a
   * component, in delivery order.
   */
  private async allocateVersions(manager: EntityManager, queued: PipelineRunQueued[]): Promise<Map<string, string>> {
    const versions = new Map<string, string>();
    const byComponent = [...queued].sort((a, b) =>
      a.customData.component < b.customData.component ? -1 : a.customData.component > b.customData.component ? 1 : 0,
    );
    const groups = new Map<string, PipelineRunQueued[]>();
    for (const event of byComponent)
      groups.set(event.customData.component, [...(groups.get(event.customData.component) ?? []), event]);
    for (const events of groups.values()) {
      const last = events.at(-1)!.customData;
      // The newest owner wins, as when each run registered it in turn.
      const component = await this.components.register(manager, {
        name: last.component,
        team: last.team,
        solution: last.solution,
      });
      // A run published twice (even in one batch) keeps its one version, and each publication is answered.
      const allocated = await this.allocator.allocateForRuns(
        manager,
        component,
        events.map((event) => ({ runId: event.subject.id, revision: event.customData.revision ?? null })),
      );
      for (const [runId, version] of allocated) versions.set(runId, version.version);
    }
    return versions;
  }
}
