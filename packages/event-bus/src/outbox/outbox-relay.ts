import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import { contextFromTraceparent, currentTraceHeaders } from '@pipewright/telemetry';
import type { Message } from 'kafkajs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { EventBus } from '../event-bus';
import { newAttributes, toKafkaMessage } from '../envelope';
import { OutboxMessage } from './outbox-message.entity';
import { notifyChannel } from './outbox-channel';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  bus: EventBus;
  batchSize?: number;
  /** Fallback poll interval; NOTIFY wakes the relay immediately after a commit. */
  pollIntervalMs?: number;
  /** Test seam: runs after Kafka acknowledged a batch and before the rows are marked sent. */
  afterPublish?: (count: number) => Promise<void>;
}

interface OutboxRow {
  id: string;
  message_id: string;
  topic: string;
  partition_key: string;
  type: string;
  source: string;
  subject: string | null;
  payload: unknown;
  traceparent: string | null;
  tracestate: string | null;
  created_at: Date;
}

/**
 * Publishes outbox rows to Kafka in id order and marks them sent. One relay per schema
 * publishes at a time (transaction-scoped advisory lock), so per-key order holds even with
 * several service instances. A crash between publish and mark-sent re-publishes the same
 * message ids, which consumers skip: at-least-once delivery, exactly-once effect.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly schema: string;
  private stopped = true;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private listener?: QueryRunner;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.schema = options.dataSource.getMetadata(OutboxMessage).schema ?? 'public';
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.listener = this.options.dataSource.createQueryRunner();
    const client = (await this.listener.connect()) as {
      on(event: 'notification', fn: () => void): void;
      query(sql: string): Promise<unknown>;
    };
    client.on('notification', () => this.wake?.());
    await client.query(`LISTEN "${notifyChannel(this.schema)}"`);
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
    await this.listener?.release();
    this.listener = undefined;
  }

  /** Publishes everything pending now; returns how many messages went out. */
  async publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.publishBatch();
      total += sent;
      if (sent < this.batchSize) return total;
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.publishPending();
        failures = 0;
        await this.sleep(this.pollIntervalMs);
      } catch (error) {
        failures += 1;
        this.options.bus.logger.error({ err: error, failures }, 'outbox relay failed; retrying');
        await this.sleep(Math.min(100 * 2 ** failures, 5_000));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async publishBatch(): Promise<number> {
    return this.options.dataSource.transaction(async (manager) => {
      if (!(await this.tryLock(manager))) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, message_id, topic, partition_key, type, source, subject, payload, traceparent, tracestate, created_at
           FROM "${this.schema}".outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;

      const spans: Span[] = [];
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const { span, message } = this.toMessage(row);
        spans.push(span);
        const topic = this.options.bus.topic(row.topic);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
      }
      try {
        await this.options.bus.requireProducer().sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } finally {
        for (const span of spans) span.end();
      }
      await this.options.afterPublish?.(rows.length);
      await manager.query(`UPDATE "${this.schema}".outbox SET sent_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private async tryLock(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query<{ locked: boolean }[]>(
      'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
      [`outbox:${this.schema}`],
    );
    return row?.locked === true;
  }

  /** The message with a PRODUCER span that continues the trace the row was written in. */
  private toMessage(row: OutboxRow): { span: Span; message: Message } {
    const parent = row.traceparent
      ? contextFromTraceparent(row.traceparent, row.tracestate ?? undefined)
      : context.active();
    const span = trace.getTracer('@pipewright/event-bus').startSpan(
      `${row.topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': row.topic,
          'messaging.message.id': row.message_id,
          'cloudevents.event_type': row.type,
        },
      },
      parent,
    );
    const traceHeaders = currentTraceHeaders(trace.setSpan(parent, span));
    const attributes = newAttributes({
      id: row.message_id,
      source: row.source,
      type: row.type,
      subject: row.subject ?? undefined,
      partitionkey: row.partition_key,
      time: row.created_at.toISOString(),
      traceparent: traceHeaders?.traceparent ?? row.traceparent ?? undefined,
      tracestate: traceHeaders?.tracestate ?? row.tracestate ?? undefined,
    });
    return { span, message: toKafkaMessage({ attributes, data: row.payload }) };
  }
}
