import { resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DestroyEnvironment,
  ProvisionEnvironment,
  type EnvironmentCreated,
  type EnvironmentDeleted,
  type EnvironmentFailed,
  timeOrderedUuid,
} from '@pipewright/contracts';
import { OutboxWriter } from '@pipewright/event-bus';
import type { StageEnvironment as StageEnvironmentDefinition } from '@pipewright/pipeline-spec';
import { DataSource, In, IsNull, type EntityManager, type Repository } from 'typeorm';
import { afterCommit } from '../database/after-commit';
import { isUuid } from '../database/uuid';
import type { Run } from '../runs/run.entity';
import { StageEnvironment } from './stage-environment.entity';
import { Wakeups } from '../database/wakeups';

/** An environment created for the run (long-lived ones are looked up: LongLivedEnvironmentService). */
export type EphemeralEnvironment = Extract<StageEnvironmentDefinition, { lifetime: 'ephemeral' }>;

/** What a stage learns about the environment it asked for. */
export type SettledEnvironment =
  | { status: 'ready'; environment: StageEnvironment }
  | { status: 'failed'; reason: string }
  | { status: 'timeout' }
  | { status: 'cancelled' };

/** Even without a wake-up (e.g. another engine instance consumed the event), the state is re-read this often. */
const RECHECK_MS = 5_000;

/**
 * The environments stages ask for: the provision command, waiting for the provisioner's answer,
 * and the destroy commands once the run is over. The provisioner owns the environments; this keeps
 * the engine's side of the conversation in `stage_environments`.
 */
@Injectable()
export class EnvironmentService {
  private readonly logger = new Logger(EnvironmentService.name);
  private readonly wakeups = new Wakeups();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @InjectRepository(StageEnvironment) private readonly environments: Repository<StageEnvironment>,
  ) {}

  /**
   * The environment of a stage: the one it asked for before (a resumed run waits for the same one
   * instead of asking twice), else a new one, recorded together with the provision command.
   */
  async requestFor(
    run: Pick<Run, 'id' | 'component' | 'team' | 'solution' | 'workspace'>,
    stageRunId: string,
    definition: EphemeralEnvironment,
  ): Promise<StageEnvironment> {
    return this.dataSource.transaction(async (manager) => {
      const earlier = await manager.findOne(StageEnvironment, {
        where: { stageRunId, status: In(['provisioning', 'ready']), destroyRequestedAt: IsNull() },
        order: { requestedAt: 'DESC' },
      });
      if (earlier) return earlier;
      const environment = manager.create(StageEnvironment, {
        id: timeOrderedUuid(),
        runId: run.id,
        stageRunId,
        name: definition.name,
        status: 'provisioning',
        url: null,
        failureReason: null,
        requestedAt: new Date(),
        readyAt: null,
        destroyRequestedAt: null,
        destroyedAt: null,
        releaseError: null,
      });
      await manager.insert(StageEnvironment, environment);
      const { spec } = definition;
      await this.outbox.publish(manager, ProvisionEnvironment, {
        environmentId: environment.id,
        runId: run.id,
        name: definition.name,
        lifetime: 'ephemeral',
        component: run.component,
        team: run.team,
        solution: run.solution,
        size: definition.size,
        spec: {
          ...spec,
          // The graph's cwd is relative to the repository; the provisioner needs a path on this host.
          cwd: spec.cwd === undefined ? run.workspace : resolve(run.workspace, spec.cwd),
        },
      });
      return environment;
    });
  }

  /**
   * Waits until the provisioner has answered for the environment (created or failed), the
   * `deadline` (epoch ms) has passed, or `signal` aborts. The database is the truth: a consumer's wake-up only makes
   * the wait look again sooner.
   */
  async waitUntilSettled(id: string, deadline: number, signal: AbortSignal): Promise<SettledEnvironment> {
    const subscription = this.wakeups.subscribe(id);
    try {
      for (;;) {
        const environment = await this.environments.findOneByOrFail({ id });
        switch (environment.status) {
          case 'ready':
            return { status: 'ready', environment };
          case 'failed':
            return { status: 'failed', reason: environment.failureReason ?? 'the provisioner gave no reason' };
          case 'destroying':
          case 'destroyed':
            return { status: 'failed', reason: 'the environment was destroyed before it was ready' };
          case 'provisioning':
            break;
        }
        if (signal.aborted) return { status: 'cancelled' };
        const left = deadline - Date.now();
        if (left <= 0) return { status: 'timeout' };
        await subscription.sleep(Math.min(left, RECHECK_MS), signal);
      }
    } finally {
      subscription.close();
    }
  }

  /** `environment.created` for one of ours: it is ready at `url`. Others' environments are not ours to track. */
  async recordCreated(manager: EntityManager, event: EnvironmentCreated): Promise<void> {
    const environment = await this.lockOurs(manager, event.subject.id);
    if (!environment) return;
    const url = event.subject.content.url ?? null;
    if (environment.status === 'provisioning') {
      await manager.update(StageEnvironment, environment.id, { status: 'ready', url, readyAt: new Date() });
    } else {
      // Late answer (the stage gave up waiting and destruction is already requested): keep the URL for the record.
      await manager.update(StageEnvironment, environment.id, { url });
    }
    afterCommit(manager, () => this.wakeups.notify(environment.id));
  }

  /** `environment.failed` for one of ours: it never came up, or died. */
  async recordFailed(manager: EntityManager, event: EnvironmentFailed): Promise<void> {
    const environment = await this.lockOurs(manager, event.subject.id);
    if (!environment) return;
    if (environment.status === 'provisioning' || environment.status === 'ready') {
      await manager.update(StageEnvironment, environment.id, {
        status: 'failed',
        failureReason: event.subject.content.reason,
      });
    }
    afterCommit(manager, () => this.wakeups.notify(environment.id));
  }

  /** `environment.deleted` for one of ours. */
  async recordDeleted(manager: EntityManager, event: EnvironmentDeleted): Promise<void> {
    const environment = await this.lockOurs(manager, event.subject.id);
    if (!environment) return;
    await manager.update(StageEnvironment, environment.id, {
      status: 'destroyed',
      destroyedAt: new Date(event.customData.deletedAt),
    });
  }

  /**
   * Asks the provisioner to destroy every environment of the run that may exist: the ready ones,
   * and those still provisioning (the stage gave up waiting, but the provisioner may yet create it).
   * Runs in the caller's transaction. Returns the environments concerned.
   */
  async requestDestroyAll(manager: EntityManager, runId: string, reason: string): Promise<StageEnvironment[]> {
    const live = await manager.find(StageEnvironment, {
      where: { runId, status: In(['provisioning', 'ready']) },
      order: { requestedAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const environment of live) {
      await manager.update(StageEnvironment, environment.id, { status: 'destroying', destroyRequestedAt: new Date() });
      await this.outbox.publish(manager, DestroyEnvironment, { environmentId: environment.id, runId, reason });
    }
    if (live.length > 0) this.logger.log({ runId, environments: live.map((e) => e.id) }, 'environments to destroy');
    return live;
  }

  /** Asks the provisioner to destroy one environment (unless that was asked already), in one transaction. */
  async requestDestroy(id: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const environment = await manager.findOne(StageEnvironment, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      // Failed ones are the provisioner's to clean up; destroyed ones are gone.
      if (!environment || !['provisioning', 'ready'].includes(environment.status)) return;
      await manager.update(StageEnvironment, id, {
        status: 'destroying',
        destroyRequestedAt: new Date(),
        releaseError: null,
      });
      await this.outbox.publish(manager, DestroyEnvironment, { environmentId: id, runId: environment.runId, reason });
    });
  }

  async findForRun(runId: string): Promise<StageEnvironment[]> {
    return this.environments.find({ where: { runId }, order: { requestedAt: 'ASC' } });
  }

  private async lockOurs(manager: EntityManager, id: string): Promise<StageEnvironment | null> {
    // Environment ids of other services' environments need not be UUIDs; ours always are.
    if (!isUuid(id)) return null;
    return manager.findOne(StageEnvironment, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }
}
