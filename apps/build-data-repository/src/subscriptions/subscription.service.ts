import { Injectable } from '@nestjs/common';
import { timeOrderedUuid } from '@pipewright/contracts';
import { ValidationError } from '@pipewright/service-runtime';
import { DataSource, In } from 'typeorm';
import { EventLogEntry } from '../events/event-log-entry.entity';
import type { CreateSubscription, DeliveryList, ListDeliveriesQuery, SubscriptionView } from './subscription.dto';
import { Subscription } from './subscription.entity';
import { SubscriptionNotFound } from './subscription.errors';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookTargetGuard, WebhookTargetRefused } from './webhook-target.guard';

/** Teams' webhook subscriptions and what was delivered to them. */
@Injectable()
export class SubscriptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly guard: WebhookTargetGuard,
  ) {}

  /**
   * The subscription receives the events stored from now on.
   * @throws ValidationError naming `url` when webhooks may not go there (see WebhookTargetGuard)
   */
  async create(request: CreateSubscription): Promise<SubscriptionView> {
    try {
      await this.guard.assertAllowed(new URL(request.url));
    } catch (error) {
      if (!(error instanceof WebhookTargetRefused)) throw error;
      throw new ValidationError('request body', [{ path: 'url', message: error.message }]);
    }
    const id = timeOrderedUuid();
    const subscriptions = this.dataSource.getMetadata(Subscription).tablePath;
    const events = this.dataSource.getMetadata(EventLogEntry).tablePath;
    // One statement: it locks the subscriptions table before reading the newest seq, so the fan-out
    // (which locks it too) cannot match events past that seq without seeing this subscription.
    await this.dataSource.query(
      `INSERT INTO ${subscriptions} (id, team, url, event_types, components, teams, secret, start_seq)
       SELECT $1, $2, $3, $4, $5, $6, $7, COALESCE(max(seq), 0) FROM ${events}`,
      [
        id,
        request.team,
        request.url,
        request.filter.eventTypes,
        request.filter.components,
        request.filter.teams,
        request.secret,
      ],
    );
    return toView(await this.dataSource.manager.findOneByOrFail(Subscription, { id }));
  }

  async list(team?: string): Promise<SubscriptionView[]> {
    const subscriptions = await this.dataSource.manager.find(Subscription, {
      where: team === undefined ? {} : { team },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return subscriptions.map(toView);
  }

  /** Deletes the subscription with its deliveries; attempts in flight are not recorded. @throws SubscriptionNotFound */
  async delete(id: string): Promise<void> {
    const result = await this.dataSource.manager.delete(Subscription, { id });
    if (!result.affected) throw new SubscriptionNotFound(id);
  }

  /** @throws SubscriptionNotFound */
  async deliveries(subscriptionId: string, query: ListDeliveriesQuery): Promise<DeliveryList> {
    const manager = this.dataSource.manager;
    if (!(await manager.existsBy(Subscription, { id: subscriptionId }))) throw new SubscriptionNotFound(subscriptionId);
    const deliveries = await manager.find(WebhookDelivery, {
      where: { subscriptionId, ...(query.status === undefined ? {} : { status: query.status }) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
    });
    const attempts = await manager.find(WebhookDeliveryAttempt, {
      where: { deliveryId: In(deliveries.map((d) => d.id)) },
      order: { number: 'ASC' },
    });
    return {
      subscriptionId,
      deliveries: deliveries.map((delivery) => ({
        id: delivery.id,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        status: delivery.status,
        createdAt: delivery.createdAt.toISOString(),
        nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
        finishedAt: delivery.finishedAt?.toISOString() ?? null,
        attempts: attempts
          .filter((attempt) => attempt.deliveryId === delivery.id)
          .map((attempt) => ({
            number: attempt.number,
            at: attempt.startedAt.toISOString(),
            durationMs: attempt.durationMs,
            httpStatus: attempt.httpStatus,
            error: attempt.error,
          })),
      })),
    };
  }
}

function toView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    team: subscription.team,
    url: subscription.url,
    filter: {
      eventTypes: subscription.eventTypes,
      components: subscription.components,
      teams: subscription.teams,
    },
    createdAt: subscription.createdAt.toISOString(),
  };
}
