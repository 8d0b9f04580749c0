import { Injectable } from '@nestjs/common';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { Component } from '../components/component.entity';
import { EventLogEntry } from '../events/event-log-entry.entity';
import { Subscription } from './subscription.entity';
import { WebhookDelivery } from './webhook-delivery.entity';

/** Events matched per transaction. */
const BATCH_SIZE = 1_000;

/**
 * Turns stored events into deliveries: reads the event log past its cursor in seq order, creates a
 * delivery for every subscription each event matches, and moves the cursor, all in one transaction. The
 * event log hands out seq numbers in commit order, so reading past the cursor never skips an event.
 *
 * An event matches a subscription stored before it (seq > start_seq) whose every non-empty filter it
 * passes: its type is listed (or starts with a listed `prefix*`), its component is listed, its
 * component's team is listed.
 */
@Injectable()
export class WebhookFanoutService {
  constructor(private readonly dataSource: DataSource) {}

  /** Matches the next batch of events; answers how many events it went through. */
  async fanOutNext(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const table = (entity: EntityTarget<ObjectLiteral>) => manager.connection.getMetadata(entity).tablePath;
      const subscriptions = table(Subscription);
      const events = table(EventLogEntry);
      const deliveries = table(WebhookDelivery);
      const components = table(Component);
      // The cursor's one row has no entity: nothing but this method reads or writes it.
      const fanout = `${manager.connection.getMetadata(Subscription).schema ?? 'public'}.webhook_fanout`;
      const [cursor] = await manager.query<{ last_seq: string }[]>(`SELECT last_seq FROM ${fanout} FOR UPDATE`);
      if (!cursor) throw new Error('webhook_fanout has no row: the subscriptions migration did not run');
      const from = Number(cursor.last_seq);
      // Subscriptions made now wait for this batch (and this batch for them), so none misses an event.
      await manager.query(`LOCK TABLE ${subscriptions} IN SHARE MODE`);
      const [anySubscription] = await manager.query<unknown[]>(`SELECT 1 FROM ${subscriptions} LIMIT 1`);
      if (!anySubscription) {
        // Nothing to match: skip to the newest event (no subscription can appear meanwhile: the lock).
        await manager.query(`UPDATE ${fanout} SET last_seq = (SELECT COALESCE(max(seq), $1) FROM ${events})`, [from]);
        return 0;
      }
      const [batch] = await manager.query<{ upto: string | null; count: number }[]>(
        `SELECT max(seq) AS upto, count(*)::int AS count
         FROM (SELECT seq FROM ${events} WHERE seq > $1 ORDER BY seq LIMIT $2) next`,
        [from, BATCH_SIZE],
      );
      if (!batch?.upto) return 0;
      await manager.query(
        `INSERT INTO ${deliveries} (id, subscription_id, event_id, event_type)
         SELECT gen_random_uuid(), s.id, e.id, e.type
         FROM ${events} e
         JOIN ${subscriptions} s ON e.seq > s.start_seq
         LEFT JOIN ${components} c ON c.name = e.component
         WHERE e.seq > $1 AND e.seq <= $2
           AND (cardinality(s.event_types) = 0 OR e.type = ANY (s.event_types)
                OR EXISTS (SELECT 1 FROM unnest(s.event_types) t
                           WHERE right(t, 1) = '*' AND starts_with(e.type, left(t, -1))))
           AND (cardinality(s.components) = 0 OR e.component = ANY (s.components))
           AND (cardinality(s.teams) = 0 OR c.team = ANY (s.teams))
         ORDER BY e.seq, s.id
         ON CONFLICT (subscription_id, event_id) DO NOTHING`,
        [from, batch.upto],
      );
      await manager.query(`UPDATE ${fanout} SET last_seq = $1`, [batch.upto]);
      return batch.count;
    });
  }
}
