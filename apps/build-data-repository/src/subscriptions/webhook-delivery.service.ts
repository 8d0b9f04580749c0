import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { EventLogEntry } from '../events/event-log-entry.entity';
import { Subscription } from './subscription.entity';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { retryDelayMs } from './webhook-retry';
import type { AttemptOutcome, OutgoingWebhook } from './webhook-sender';

/** An attempt a worker has started: it holds the delivery until its lease ends. */
export interface ClaimedAttempt extends OutgoingWebhook {
  /** The attempt's number, 1 for the first. */
  number: number;
}

interface ClaimedRow {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  /** The CDEvent's JSON text as received. */
  payload: string;
}

/**
 * Deliveries as durable work in Postgres. A worker claims due deliveries with FOR UPDATE SKIP LOCKED
 * (instances never claim the same one), counting the attempt and leasing the delivery for as long as
 * the attempt may take, and commits before it sends: no transaction stays open during HTTP. The outcome
 * is recorded afterwards; an instance that dies mid-attempt loses only that attempt, and the delivery
 * is due again when the lease ends.
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BUILD_DATA_CONFIG) private readonly config: BuildDataConfig,
  ) {}

  /** Starts attempts of up to `limit` due deliveries, oldest due first. */
  async claimDue(limit: number): Promise<ClaimedAttempt[]> {
    const deliveries = this.table(WebhookDelivery);
    // Twice the attempt's timeout: room to record the outcome before anyone else may try.
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS * 2;
    const rows = await this.dataSource.query<ClaimedRow[]>(
      `WITH due AS (
         SELECT id FROM ${deliveries}
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE ${deliveries} d
         SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.attempts, d.subscription_id, d.event_id
       )
       SELECT claimed.id, claimed.attempts, s.url, s.secret, e.id AS event_id, e.type, e.source, e.subject, e.time,
              e.payload
       FROM claimed
       JOIN ${this.table(Subscription)} s ON s.id = claimed.subscription_id
       JOIN ${this.table(EventLogEntry)} e ON e.id = claimed.event_id`,
      [limit, leaseMs],
    );
    return rows.map((row) => ({
      number: row.attempts,
      url: row.url,
      secret: row.secret,
      deliveryId: row.id,
      eventType: row.type,
      body: JSON.stringify(structuredCloudEvent(row)),
    }));
  }

  /**
   * Records an attempt's outcome: delivered on success; dead after WEBHOOK_MAX_ATTEMPTS failures; else due
   * again after the backoff. Ignored when the attempt is no longer the delivery's latest (its lease ran
   * out and another attempt started) or the subscription is gone.
   */
  async record(attempt: ClaimedAttempt, outcome: AttemptOutcome): Promise<void> {
    const succeeded = outcome.error === null;
    const dead = !succeeded && attempt.number >= this.config.WEBHOOK_MAX_ATTEMPTS;
    const delayMs = retryDelayMs(
      attempt.number,
      this.config.WEBHOOK_BACKOFF_BASE_MS,
      this.config.WEBHOOK_BACKOFF_MAX_MS,
    );
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager.query<unknown[]>(
        `UPDATE ${this.table(WebhookDelivery)}
         SET status = $3,
             next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::double precision / 1000)
                                    ELSE next_attempt_at END,
             finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
         RETURNING 1`,
        [attempt.deliveryId, attempt.number, succeeded ? 'succeeded' : dead ? 'dead' : 'pending', delayMs],
      );
      if (updated.length === 0) return;
      await manager.insert(WebhookDeliveryAttempt, {
        deliveryId: attempt.deliveryId,
        number: attempt.number,
        startedAt: outcome.startedAt,
        durationMs: outcome.durationMs,
        httpStatus: outcome.httpStatus,
        error: outcome.error,
      });
    });
  }

  private table(entity: EntityTarget<ObjectLiteral>): string {
    return this.dataSource.getMetadata(entity).tablePath;
  }
}

/** CloudEvents 1.0 structured mode (JSON): the attributes and, as `data`, the CDEvent as stored. */
function structuredCloudEvent(row: ClaimedRow) {
  return {
    specversion: '1.0',
    id: row.event_id,
    source: row.source,
    type: row.type,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.time.toISOString(),
    datacontenttype: 'application/json',
    data: JSON.parse(row.payload) as unknown,
  };
}
