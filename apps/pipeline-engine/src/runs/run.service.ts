import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  newCDEvent,
  PIPELINE_RUN_QUEUED,
  PipelineRunQueued,
  sourceOf,
  type VersionAllocated,
  timeOrderedUuid,
} from '@pipewright/contracts';
import { OutboxWriter, PermanentFailure } from '@pipewright/event-bus';
import { stageTasks } from '@pipewright/pipeline-spec';
import { currentTraceHeaders } from '@pipewright/telemetry';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import type { RunState, StageState } from '@pipewright/engine-core';
import { SERVICE_NAME } from '../config/env';
import { isUuid } from '../database/uuid';
import { EnvironmentService } from '../environments/environment.service';
import { LongLivedEnvironmentService } from '../environments/long-lived-environment.service';
import { RunExecutor } from '../execution/run-executor.service';
import { decisionRowOf } from '../approvals/approval.service';
import { stageRowOf, taskRowOf } from '../execution/run-state';
import type { RunDefinition } from './run-definition';
import { toRunDto, type RunDto } from './run.dto';
import { Run } from './run.entity';
import { RunNotFound } from './run.errors';
import { StageRun } from './stage-run.entity';
import { TaskRun } from './task-run.entity';

/** What a re-run takes over from the run it re-runs. */
export interface RunContinuation {
  /** That run's version (null if it never got one: then the re-run gets its own). */
  version: string | null;
  /** The stages and tasks that keep their results (engine-core's stateForRerunFromFailed). */
  kept: RunState;
}

/** Runs: queueing them, giving them their version, and reading them back. */
@Injectable()
export class RunService {
  private readonly logger = new Logger(RunService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly executor: RunExecutor,
    private readonly environments: EnvironmentService,
    private readonly longLivedEnvironments: LongLivedEnvironmentService,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(StageRun) private readonly stageRuns: Repository<StageRun>,
    @InjectRepository(TaskRun) private readonly taskRuns: Repository<TaskRun>,
  ) {}

  /**
   * Stores the run with its resolved graph as the definition snapshot, a row per stage and task, and
   * `pipelinerun.queued`, in one transaction. The run's trace context is the caller's (the HTTP
   * request's), so the whole run joins the request's trace.
   */
  async queue(
    definition: RunDefinition,
    trigger: Run['trigger'] = { type: 'http' },
    continuing?: RunContinuation,
  ): Promise<Run> {
    const { graph } = definition;
    const kept = continuing?.kept;
    const trace = currentTraceHeaders();
    const run = this.runs.create({
      id: timeOrderedUuid(),
      pipelineName: graph.name,
      component: graph.component,
      team: graph.team,
      solution: graph.solution,
      revision: definition.revision ?? null,
      workspace: definition.workspace,
      definition: graph,
      trigger,
      traceparent: trace?.traceparent ?? null,
      tracestate: trace?.tracestate ?? null,
      status: 'queued',
      version: continuing?.version ?? null,
      errors: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      cancelRequestedAt: null,
      cancelRequestedBy: null,
      cancelReason: null,
    });
    const stages: StageRun[] = [];
    const tasks: TaskRun[] = [];
    graph.stages.forEach((stageNode, stagePosition) => {
      const stage = this.stageRuns.create({
        id: timeOrderedUuid(),
        runId: run.id,
        position: stagePosition,
        name: stageNode.name,
        status: 'pending',
        errors: null,
        startedAt: null,
        finishedAt: null,
        approvalRequestedAt: null,
        approvalDecision: null,
        approvalBy: null,
        approvalAt: null,
        approvalComment: null,
        reused: false,
        longLivedEnvironmentId: null,
        ...(kept?.stages[stageNode.name] ? keptStageRow(kept.stages[stageNode.name]!) : {}),
      });
      stages.push(stage);
      stageTasks(stageNode).forEach((taskNode, taskPosition) => {
        tasks.push(
          this.taskRuns.create({
            id: timeOrderedUuid(),
            runId: run.id,
            stageRunId: stage.id,
            position: taskPosition,
            name: taskNode.name,
            status: 'pending',
            attempt: 0,
            exitCode: null,
            timedOut: false,
            durationMs: null,
            outputs: {},
            logLines: 0,
            errors: null,
            startedAt: null,
            finishedAt: null,
            reused: false,
            ...(kept?.tasks[taskNode.id] ? taskRowOf({ ...kept.tasks[taskNode.id]!, reused: true }) : {}),
          }),
        );
      });
    });

    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Run, run);
      await manager.insert(StageRun, stages);
      if (tasks.length > 0) await manager.insert(TaskRun, tasks);
      await this.outbox.publish(
        manager,
        PipelineRunQueued,
        newCDEvent(
          PIPELINE_RUN_QUEUED,
          sourceOf(SERVICE_NAME),
          { id: run.id, content: { pipelineName: run.pipelineName } },
          {
            component: run.component,
            team: run.team,
            solution: run.solution,
            ...(run.revision === null ? {} : { revision: run.revision }),
            ...(run.version === null ? {} : { version: run.version }),
            trigger: run.trigger,
            definition: { ...graph },
          },
        ),
      );
    });
    this.executor.rememberQueued(run.id, { stages, tasks });
    // A run that continues an earlier one's version waits for no allocation: it starts now.
    if (run.version !== null) this.executor.start(run.id);
    this.logger.log({ runId: run.id, component: run.component, pipeline: run.pipelineName }, 'run queued');
    return run;
  }

  /**
   * `pipewright-version.allocated`: stores the run's version and, in the same transaction, this instance
   * claims the run (it starts executing once that commits). Versions for runs that are not ours are
   * none of our business.
   */
  async recordVersion(manager: EntityManager, event: VersionAllocated): Promise<void> {
    const { runId, version } = event.subject.content;
    // Versions tools allocated without a run, or for runs that are not ours, are none of our business.
    if (runId === undefined || !isUuid(runId)) return;
    const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
    if (!run) return;
    if (run.version !== null) {
      if (run.version === version) return;
      throw new PermanentFailure(`run ${runId} already has version ${run.version}; refusing version ${version}`);
    }
    await manager.update(Run, run.id, { version });
    this.logger.log({ runId, version }, 'version recorded');
    if (run.status === 'queued') await this.executor.startWithin(manager, run.id);
  }

  async get(id: string): Promise<RunDto> {
    const run = await this.runs.findOneBy({ id });
    if (!run) throw new RunNotFound(id);
    const [stages, tasks, environments] = await Promise.all([
      this.stageRuns.findBy({ runId: id }),
      this.taskRuns.findBy({ runId: id }),
      this.environments.findForRun(id),
    ]);
    const longLived = await this.longLivedEnvironments.findByIds(
      stages.flatMap((stage) => (stage.longLivedEnvironmentId === null ? [] : [stage.longLivedEnvironmentId])),
    );
    return toRunDto(run, stages, tasks, environments, longLived);
  }
}

/** A stage a re-run takes over: its result, and the approval it was given, marked reused. */
function keptStageRow(state: StageState) {
  return { ...stageRowOf({ ...state, reused: true }), ...decisionRowOf(state.approval?.decision) };
}
