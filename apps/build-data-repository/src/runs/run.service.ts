import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  CloudEventAttributes,
  PipelineRunFinished,
  PipelineRunQueued,
  PipelineRunStarted,
  TaskRunFinished,
  TaskRunStarted,
} from '@pipewright/contracts';
import type { EntityManager, Repository } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { mergeUpsert } from '../database/merge-upsert';
import { EventLogService } from '../events/event-log.service';
import { VersionService } from '../versions/version.service';
import {
  finishedRun,
  finishedTaskRun,
  queuedRun,
  runMergeRules,
  startedRun,
  startedTaskRun,
  taskRunMergeRules,
} from './run-merge';
import { RunNotFound } from './run.errors';
import { Run } from './run.entity';
import { TaskRun } from './task-run.entity';

/**
 * Records runs as executed from their events, each in the transaction of the event's delivery, and
 * logs every event it records. See run-merge.ts for how out-of-order and repeated events converge.
 */
@Injectable()
export class RunService {
  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(TaskRun) private readonly taskRuns: Repository<TaskRun>,
    private readonly eventLog: EventLogService,
    private readonly components: ComponentService,
    private readonly versions: VersionService,
  ) {}

  /** A run is queued: its component is registered and the run gets the component's next version. */
  async recordQueued(manager: EntityManager, event: PipelineRunQueued, attributes: CloudEventAttributes) {
    const runId = event.subject.id;
    await this.eventLog.append(manager, attributes, event, runId);
    const component = await this.components.register(manager, {
      name: event.customData.component,
      team: event.customData.team,
      solution: event.customData.solution,
    });
    const version = await this.versions.allocateForRun(manager, {
      component,
      runId,
      revision: event.customData.revision ?? null,
    });
    await mergeUpsert(manager, Run, runMergeRules, queuedRun(event, version.version));
  }

  async recordStarted(manager: EntityManager, event: PipelineRunStarted, attributes: CloudEventAttributes) {
    await this.eventLog.append(manager, attributes, event, event.subject.id);
    await mergeUpsert(manager, Run, runMergeRules, startedRun(event));
  }

  async recordFinished(manager: EntityManager, event: PipelineRunFinished, attributes: CloudEventAttributes) {
    await this.eventLog.append(manager, attributes, event, event.subject.id);
    await mergeUpsert(manager, Run, runMergeRules, finishedRun(event));
  }

  async recordTaskStarted(manager: EntityManager, event: TaskRunStarted, attributes: CloudEventAttributes) {
    await this.eventLog.append(manager, attributes, event, event.subject.content.pipelineRun.id);
    await mergeUpsert(manager, TaskRun, taskRunMergeRules, startedTaskRun(event));
  }

  async recordTaskFinished(manager: EntityManager, event: TaskRunFinished, attributes: CloudEventAttributes) {
    await this.eventLog.append(manager, attributes, event, event.subject.content.pipelineRun.id);
    await mergeUpsert(manager, TaskRun, taskRunMergeRules, finishedTaskRun(event));
  }

  /**
   * The run with its task runs in the order they started.
   * @throws RunNotFound
   */
  async get(runId: string): Promise<{ run: Run; taskRuns: TaskRun[] }> {
    const run = await this.runs.findOneBy({ id: runId });
    if (!run) throw new RunNotFound(runId);
    const taskRuns = await this.taskRuns
      .createQueryBuilder('task')
      .where('task.run_id = :runId', { runId })
      .orderBy('task.started_at', 'ASC', 'NULLS LAST')
      .addOrderBy('task.attempt', 'ASC')
      .addOrderBy('task.id', 'ASC')
      .getMany();
    return { run, taskRuns };
  }
}
