import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  APPROVAL_DECIDED,
  APPROVAL_REQUESTED,
  ApprovalDecided,
  ApprovalRequested,
  approvalSubjectId,
  newCDEvent,
  sourceOf,
} from '@pipewright/contracts';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest } from '@pipewright/engine-core';
import { OutboxWriter } from '@pipewright/event-bus';
import { assertTeamAccess, type Caller, OPEN_CALLER } from '@pipewright/service-runtime';
import type { Approval } from '@pipewright/pipeline-spec';
import { DataSource, type EntityManager } from 'typeorm';
import { SCHEMA, SERVICE_NAME } from '../config/env';
import { SharedWakeups } from '../database/wakeups';
import { Run } from '../runs/run.entity';
import { RunNotFound } from '../runs/run.errors';
import { StageRun } from '../runs/stage-run.entity';
import { approversOf } from './approvers';
import { ApprovalForbidden, ApprovalNotWaiting, StageNotFound } from './approval.errors';

const SOURCE = sourceOf(SERVICE_NAME);

/** Even without a wake-up (the listening connection was lost), a waiting stage looks this often. */
const RECHECK_MS = 2_000;

/** A person's decision on a stage, as recorded. */
export interface RecordedDecision {
  runId: string;
  stage: string;
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
}

/** What the reporter needs to announce a stage's approval: whose run it is. */
export type ApprovalRun = Pick<Run, 'id' | 'component' | 'team' | 'solution' | 'pipelineName'> & {
  version: string | null;
};

/**
 * Approvals of stages. The decision lives in the stage's row: people record it over HTTP (`decide`),
 * and the run, waiting in the executor through this ApprovalGate (`request`), reads it from there. A
 * decision recorded while no engine runs the run (a restart) is found when it resumes. A decision
 * recorded by any engine instance wakes the run in the instance executing it at once (SharedWakeups).
 */
@Injectable()
export class ApprovalService implements ApprovalGate, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApprovalService.name);
  private readonly wakeups: SharedWakeups;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {
    this.wakeups = new SharedWakeups(dataSource, `${SCHEMA}_approval_decisions`);
  }

  onModuleInit(): Promise<void> {
    return this.wakeups.listen();
  }

  onApplicationShutdown(): Promise<void> {
    return this.wakeups.close();
  }

  /** Waits for the stage's decision in its row; resolves with it, or rejects when `signal` aborts. */
  async request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
    const stage = await this.dataSource.manager.findOne(StageRun, {
      select: { id: true },
      where: { runId: request.runId, name: request.stage.name },
    });
    if (!stage) throw new Error(`stage "${request.stage.name}" has no row in run ${request.runId}`);
    const subscription = this.wakeups.subscribe(stage.id);
    try {
      for (;;) {
        const row = await this.dataSource.manager.findOneByOrFail(StageRun, { id: stage.id });
        const decision = decisionOf(row);
        if (decision) return decision;
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
        await subscription.sleep(RECHECK_MS, signal);
      }
    } finally {
      subscription.close();
    }
  }

  /**
   * Records a person's decision on a stage that waits for one, with `pipewright-approval.decided`, and
   * wakes the run. Only a listed approver may decide: `by` is the bearer token's name when tokens are
   * on (and the token must be of the run's team), the name the body gives when they are off.
   */
  async decide(
    runId: string,
    stageName: string,
    decision: 'approved' | 'rejected',
    by: string | undefined,
    comment: string | undefined,
    caller: Caller = OPEN_CALLER,
  ): Promise<RecordedDecision> {
    const recorded = await this.dataSource.transaction(async (manager) => {
      const run = await manager.findOneBy(Run, { id: runId });
      if (!run) throw new RunNotFound(runId);
      assertTeamAccess(caller, run.team);
      const stage = await manager.findOne(StageRun, {
        where: { runId, name: stageName },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stage) throw new StageNotFound(runId, stageName);
      if (stage.status !== 'waiting-approval' || stage.approvalDecision !== null)
        throw new ApprovalNotWaiting(runId, stageName, stage.status);
      const approvers = approversOf(run.definition, stageName);
      if (by === undefined || !approvers.includes(by)) throw new ApprovalForbidden(stageName, by, approvers);
      const result: RecordedDecision = {
        runId,
        stage: stageName,
        decision,
        by,
        at: new Date().toISOString(),
        ...(comment !== undefined ? { comment } : {}),
      };
      await this.record(manager, run, stage, result);
      await this.wakeups.notify(manager, stage.id);
      return result;
    });
    this.logger.log({ runId, stage: stageName, decision, by }, 'approval decided');
    return recorded;
  }

  /** `pipewright-approval.requested` for a stage that starts waiting, in the caller's transaction. */
  async announceRequest(
    manager: EntityManager,
    run: ApprovalRun,
    stage: string,
    approval: Approval,
    requestedAt: string,
  ): Promise<void> {
    await this.outbox.publish(
      manager,
      ApprovalRequested,
      newCDEvent(
        APPROVAL_REQUESTED,
        SOURCE,
        {
          id: approvalSubjectId(run.id, stage),
          content: {
            runId: run.id,
            stage,
            approvers: approval.approvers,
            requestedAt,
            ...(approval.timeoutMs !== undefined
              ? { expiresAt: new Date(Date.parse(requestedAt) + approval.timeoutMs).toISOString() }
              : {}),
          },
        },
        ownershipOf(run),
      ),
    );
  }

  /**
   * A decision the executor made itself (nobody decided in time: rejected by `pipewright`), recorded
   * like a person's, in the caller's transaction. A decision already in the row (a person's) stays.
   */
  async recordExecutorDecision(
    manager: EntityManager,
    run: ApprovalRun,
    stageRunId: string,
    decision: ApprovalDecision,
  ): Promise<void> {
    const stage = await manager.findOne(StageRun, { where: { id: stageRunId }, lock: { mode: 'pessimistic_write' } });
    if (!stage) return;
    if (stage.approvalDecision !== null) {
      if (stage.approvalDecision !== decision.decision)
        this.logger.warn(
          { runId: run.id, stage: stage.name, recorded: stage.approvalDecision, executor: decision.decision },
          'a decision came in as the approval timed out; the run goes on with the timeout',
        );
      return;
    }
    await this.record(manager, run, stage, {
      runId: run.id,
      stage: stage.name,
      decision: decision.decision,
      by: decision.by,
      at: decision.at,
      ...(decision.decision === 'rejected' && decision.reason !== undefined ? { comment: decision.reason } : {}),
    });
  }

  private async record(manager: EntityManager, run: ApprovalRun, stage: StageRun, decision: RecordedDecision) {
    await manager.update(StageRun, stage.id, {
      approvalDecision: decision.decision,
      approvalBy: decision.by,
      approvalAt: new Date(decision.at),
      approvalComment: decision.comment ?? null,
    });
    await this.outbox.publish(
      manager,
      ApprovalDecided,
      newCDEvent(
        APPROVAL_DECIDED,
        SOURCE,
        {
          id: approvalSubjectId(run.id, stage.name),
          content: {
            runId: run.id,
            stage: stage.name,
            decision: decision.decision,
            by: decision.by,
            at: decision.at,
            ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
          },
        },
        ownershipOf(run),
      ),
    );
  }
}

function ownershipOf(run: ApprovalRun) {
  return {
    component: run.component,
    team: run.team,
    solution: run.solution,
    pipelineName: run.pipelineName,
    ...(run.version !== null ? { version: run.version } : {}),
  };
}

/** The columns of a stage row that record `decision` (all null without one): decisionOf's inverse. */
export function decisionRowOf(
  decision: ApprovalDecision | undefined,
): Pick<StageRun, 'approvalDecision' | 'approvalBy' | 'approvalAt' | 'approvalComment'> {
  return {
    approvalDecision: decision?.decision ?? null,
    approvalBy: decision?.by ?? null,
    approvalAt: decision ? new Date(decision.at) : null,
    approvalComment: decision?.decision === 'rejected' ? (decision.reason ?? null) : null,
  };
}

/** The decision recorded in a stage's row, as engine-core knows decisions; undefined while there is none. */
export function decisionOf(
  row: Pick<StageRun, 'approvalDecision' | 'approvalBy' | 'approvalAt' | 'approvalComment'>,
): ApprovalDecision | undefined {
  if (row.approvalDecision === null || row.approvalBy === null || row.approvalAt === null) return undefined;
  const at = row.approvalAt.toISOString();
  if (row.approvalDecision === 'approved') return { decision: 'approved', by: row.approvalBy, at };
  return {
    decision: 'rejected',
    by: row.approvalBy,
    at,
    ...(row.approvalComment !== null ? { reason: row.approvalComment } : {}),
  };
}
