import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { type CloudEventAttributes, type MessageData, type MessageDefinition } from '@pipewright/contracts';
import { contextFromTraceparent } from '@pipewright/telemetry';
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventBus } from '../event-bus';
import { backoffDelay } from './backoff';
import { consumerSettings } from './consumer-settings';
import { decodeRegistered } from './decode-registered';
import { PermanentFailure } from './permanent-failure';
import { ProcessedMessage } from './processed-message.entity';

export interface MessageContext {
  /** The transaction the message's effect must be written in (and any outbox rows it causes). */
  manager: EntityManager;
  attributes: CloudEventAttributes;
  /** Tells Kafka the consumer is alive: call it during long work (>10 s) so the group does not rebalance. */
  heartbeat: () => Promise<void>;
}

export type MessageHandler<D extends MessageDefinition> = (data: MessageData<D>, ctx: MessageContext) => Promise<void>;

export interface EventConsumerOptions {
  bus: EventBus;
  dataSource: DataSource;
  /** Names the consumer: its Kafka group is `<prefix><service>.<name>`, and de-duplication is per name. */
  name: string;
  maxAttempts?: number;
  retryBaseMs?: number;
  partitionsConsumedConcurrently?: number;
}

/** Dead-letter headers: what failed, where the message came from, how often it was tried. */
export const DeadLetterHeaders = {
  error: 'x-pipewright-error',
  errorType: 'x-pipewright-error-type',
  consumer: 'x-pipewright-consumer',
  originalTopic: 'x-pipewright-original-topic',
  originalPartition: 'x-pipewright-original-partition',
  originalOffset: 'x-pipewright-original-offset',
  attempts: 'x-pipewright-attempts',
} as const;

interface Registration {
  definition: MessageDefinition;
  handler: MessageHandler<MessageDefinition>;
}

/**
 * Consumes the topics of the message types it has handlers for. Each message is handled in
 * one transaction that also records `(consumer, message id)`: a redelivered message finds
 * its record and is skipped. Messages of other types on the same topic are ignored. A message
 * that is not a valid CloudEvent, fails its contract, or keeps failing after bounded retries
 * goes to `<topic>.dlq` with the error in headers, and the consumer moves on.
 */
export class EventConsumer {
  private readonly registrations = new Map<string, Registration>();
  private consumer?: Consumer;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly schema: string;

  constructor(private readonly options: EventConsumerOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.schema = options.dataSource.getMetadata(ProcessedMessage).schema ?? 'public';
  }

  on<D extends MessageDefinition>(definition: D, handler: MessageHandler<D>): this {
    if (this.registrations.has(definition.type))
      throw new Error(`a handler for ${definition.type} is already registered`);
    this.registrations.set(definition.type, { definition, handler });
    return this;
  }

  get groupId(): string {
    return this.options.bus.topic(`${this.options.bus.service}.${this.options.name}`);
  }

  async start(): Promise<void> {
    const { bus } = this.options;
    const logicalTopics = [...new Set([...this.registrations.values()].map((r) => r.definition.topic))];
    await bus.ensureTopics(logicalTopics);
    this.consumer = bus.kafka.consumer({ groupId: this.groupId, ...consumerSettings });
    await this.consumer.connect();
    // From the beginning for a new group: events published before this service first started are not lost.
    await this.consumer.subscribe({ topics: logicalTopics.map((t) => bus.topic(t)), fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) =>
        this.handle(payload.topic, payload.partition, payload.message, () => payload.heartbeat()),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async handle(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    let decoded;
    try {
      decoded = decodeRegistered(message, this.registrations);
    } catch (error) {
      return this.deadLetter(topic, partition, message, error, 0);
    }
    if (!decoded) return;
    const { envelope, registration, data } = decoded;

    const { traceparent, tracestate } = envelope.attributes;
    const parent = contextFromTraceparent(traceparent, tracestate);
    const span = trace.getTracer('@pipewright/event-bus').startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': this.groupId,
          'messaging.message.id': envelope.attributes.id,
          'cloudevents.event_type': envelope.attributes.type,
        },
      },
      parent,
    );
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await context.with(trace.setSpan(parent, span), () =>
            this.applyOnce(registration, data, envelope.attributes, heartbeat),
          );
          return;
        } catch (error) {
          const permanent = error instanceof PermanentFailure;
          if (permanent || attempt >= this.maxAttempts) {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            return await this.deadLetter(topic, partition, message, error, attempt);
          }
          this.options.bus.logger.warn(
            { err: error, type: envelope.attributes.type, id: envelope.attributes.id, attempt },
            'message handling failed; retrying',
          );
          await new Promise((r) => setTimeout(r, backoffDelay(attempt, this.retryBaseMs, 10_000)));
          await heartbeat();
        }
      }
    } finally {
      span.end();
    }
  }

  private async applyOnce(
    registration: Registration,
    data: unknown,
    attributes: CloudEventAttributes,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    await this.options.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO "${this.schema}".processed_messages (consumer, message_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [this.options.name, attributes.id],
      );
      if (inserted.length === 0) return; // seen before: redelivery is normal
      await registration.handler(data, { manager, attributes, heartbeat });
    });
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) {
    const err = error instanceof Error ? error : new Error(String(error));
    this.options.bus.logger.error(
      { err, topic, partition, offset: message.offset, consumer: this.options.name },
      'message dead-lettered',
    );
    // If this send fails the handler throws, the offset is not committed and Kafka redelivers: nothing is lost.
    await this.options.bus.requireProducer().send({
      topic: `${topic}.dlq`,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DeadLetterHeaders.error]: err.message.slice(0, 4_000),
            [DeadLetterHeaders.errorType]: err.name,
            [DeadLetterHeaders.consumer]: this.groupId,
            [DeadLetterHeaders.originalTopic]: topic,
            [DeadLetterHeaders.originalPartition]: String(partition),
            [DeadLetterHeaders.originalOffset]: message.offset,
            [DeadLetterHeaders.attempts]: String(attempts),
          },
        },
      ],
    });
  }
}
