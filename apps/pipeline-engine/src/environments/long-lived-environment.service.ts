import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EnvironmentCreated, EnvironmentDeleted, EnvironmentFailed } from '@pipewright/contracts';
import type { ProvidedEnvironment } from '@pipewright/engine-core';
import { In, type EntityManager, type Repository } from 'typeorm';
import { LongLivedEnvironment } from './long-lived-environment.entity';
import { LongLivedEnvironmentUnavailable } from './long-lived-environment.errors';
import { applyEvent, type LongLivedEnvironmentEvent } from './long-lived-environment.projection';

type LongLivedEvent = EnvironmentCreated | EnvironmentFailed | EnvironmentDeleted;

/**
 * Long-lived environments (`environment: qa`): the provisioner creates, updates and deletes them;
 * the engine keeps what its events say in `long_lived_environments` and stages look them up there.
 */
@Injectable()
export class LongLivedEnvironmentService {
  constructor(
    @InjectRepository(LongLivedEnvironment) private readonly environments: Repository<LongLivedEnvironment>,
  ) {}

  /** The newest environment called `name`, for a stage; an error saying what to do unless it is ready. */
  async lookUp(name: string): Promise<ProvidedEnvironment> {
    const newest = await this.environments.findOne({
      where: { name },
      order: { provisionedAt: { direction: 'DESC', nulls: 'LAST' }, statusAt: 'DESC' },
    });
    if (newest === null) throw new LongLivedEnvironmentUnavailable(name, null);
    if (newest.status !== 'ready') {
      const { status, failureReason, statusAt } = newest;
      throw new LongLivedEnvironmentUnavailable(name, { status, failureReason, statusAt });
    }
    // Tasks get the URL as $PIPEWRIGHT_ENV_URL, as for an ephemeral environment.
    return { url: newest.url ?? '', details: { environmentId: newest.environmentId, lifetime: 'long-lived' } };
  }

  /** The environments of these ids that are known (for showing which one a stage ran in). */
  findByIds(ids: readonly string[]): Promise<LongLivedEnvironment[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.environments.findBy({ environmentId: In([...ids]) });
  }

  async recordCreated(manager: EntityManager, event: EnvironmentCreated): Promise<void> {
    await this.apply(manager, { ...this.about(event), kind: 'created', url: event.subject.content.url ?? null });
  }

  async recordFailed(manager: EntityManager, event: EnvironmentFailed): Promise<void> {
    await this.apply(manager, { ...this.about(event), kind: 'failed', reason: event.subject.content.reason });
  }

  async recordDeleted(manager: EntityManager, event: EnvironmentDeleted): Promise<void> {
    await this.apply(manager, { ...this.about(event), kind: 'deleted' });
  }

  private about(event: LongLivedEvent) {
    return {
      environmentId: event.subject.id,
      name: event.subject.content.name,
      component: event.customData.component,
      // When it happened at the provisioner, not when it got here: that is what orders late events.
      at: new Date(event.context.timestamp),
    };
  }

  /** In the consumer's transaction, so the row changes exactly once per event. */
  private async apply(manager: EntityManager, event: LongLivedEnvironmentEvent): Promise<void> {
    const current = await manager.findOne(LongLivedEnvironment, {
      where: { environmentId: event.environmentId },
      lock: { mode: 'pessimistic_write' },
    });
    const next = applyEvent(current, event);
    if (next === null) return;
    // Two first events of one environment at once: one insert fails, the consumer retries it and finds the row.
    if (current === null) await manager.insert(LongLivedEnvironment, next);
    else await manager.update(LongLivedEnvironment, event.environmentId, next);
  }
}
