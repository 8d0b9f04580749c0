import { Injectable } from '@nestjs/common';
import {
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
} from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { mergeUpsertMany } from '../database/merge-upsert-many';
import { RunVersionAllocator, type ComponentRun, type LockedRuns } from '../versions/run-version-allocator.service';
import { asRunEvent, type RunEvent, type ValidatedMessage } from './run-event';
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
import { TaskRun } from './task-run.entity';

/** A queued run that wants its version, from the message `messageId`. */
export interface VersionRequest extends ComponentRun {
  messageId: string;
}

/** The version requests of a batch, their runs locked for allocation. */
export interface VersionRequests {
  requests: VersionRequest[];
  locked: LockedRuns;
}

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
  ) {}

  /** Records the run and task-run events among `messages` (in delivery order); other messages are ignored. */
  async record(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<void> {
    await this.recordRuns(manager, messages);
    await this.recordVersions(manager, await this.versionRequests(manager, messages));
  }

  /** The runs and task runs of `messages` (stages are derived from them when read): all but queued runs' versions. */
  async recordRuns(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<void> {
    const events = messages.map(asRunEvent).filter((e): e is RunEvent => e !== undefined);
    if (events.length === 0) return;
    // No lock per run: during a rebalance two consumers may briefly apply batches of one run side by side,
    // and every write is one upsert whose merge rules converge in any order (rows locked in id order).
    const runPatches: RunPatch[] = [];
    const taskPatches: TaskRunPatch[] = [];
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
          taskPatches.push(startedTaskRun(runEvent.event));
          break;
        case TASK_RUN_FINISHED:
          taskPatches.push(finishedTaskRun(runEvent.event));
          break;
      }
    }
    await mergeUpsertMany(manager, Run, runMergeRules, runPatches);
    await mergeUpsertMany(manager, TaskRun, taskRunMergeRules, taskPatches);
  }

  /**
   * The queued runs among `messages` that want a version, with their components registered (created, or
   * their owner updated) and the runs locked against allocation elsewhere (with the versions some already
   * have). Takes no counter lock: call it before appending to the event log, while batches still proceed
   * side by side.
   */
  async versionRequests(manager: EntityManager, messages: readonly ValidatedMessage[]): Promise<VersionRequests> {
    const queued = messages.flatMap((message) => {
      const runEvent = asRunEvent(message);
      // A re-run continues the version of the run it re-runs: none is allocated for it.
      return runEvent?.type === PIPELINE_RUN_QUEUED && runEvent.event.customData.version === undefined
        ? [{ messageId: message.attributes.id, event: runEvent.event }]
        : [];
    });
    if (queued.length === 0) return { requests: [], locked: { versions: new Map() } };
    // The newest owner wins, as when each run registered it in turn.
    const components = await this.components.registerMany(
      manager,
      queued.map(({ event: { customData } }) => ({
        name: customData.component,
        team: customData.team,
        solution: customData.solution,
      })),
    );
    const requests = queued.map(({ messageId, event }) => ({
      messageId,
      component: components.get(event.customData.component)!,
      runId: event.subject.id,
      revision: event.customData.revision ?? null,
    }));
    return {
      requests,
      locked: await this.allocator.lockRuns(
        manager,
        requests.map((r) => r.runId),
      ),
    };
  }

  /**
   * Gives each requested run its version, recorded on its run row and announced (recordRuns must have
   * recorded the runs), in one statement. Components' counter rows stay locked from here to the commit,
   * so call it as late as possible: the ingest transaction calls it in its event-log turn, where batches
   * already take turns until they commit, so batches never wait for each other's counters.
   */
  async recordVersions(manager: EntityManager, { requests, locked }: VersionRequests): Promise<void> {
    // In delivery order: a component's runs get consecutive versions in that order.
    await this.allocator.allocateForRuns(manager, requests, locked);
  }
}
