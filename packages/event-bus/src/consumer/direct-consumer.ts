import { type CloudEventAttributes, type MessageData, type MessageDefinition } from '@pipewright/contracts';
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { EventBus } from '../event-bus';
import { backoffDelay } from './backoff';
import { consumerSettings } from './consumer-settings';
import { decodeRegistered } from './decode-registered';
import { sendToDeadLetters } from './dead-letter';
import { PermanentFailure } from './permanent-failure';

export interface DirectMessageContext {
  attributes: CloudEventAttributes;
  /** Tells Kafka the consumer is alive: call it while a handler waits long (>10 s). */
  heartbeat: () => Promise<void>;
  /**
   * Commits the message's offset now rather than once the handler returns (kafkajs: at the end of the
   * batch), for a handler about to start something that must not start twice: after a crash from here
   * on, the group does not get the message again.
   */
  commit: () => Promise<void>;
}

export type DirectMessageHandler<D extends MessageDefinition> = (
  data: MessageData<D>,
  ctx: DirectMessageContext,
) => Promise<void>;

export interface DirectConsumerOptions {
  bus: EventBus;
  /** The Kafka consumer group (logical: the bus's topic prefix is put in front). */
  groupId: string;
  /**
   * `true` (default): a new group starts at the beginning of its topics. `false`: at their end, for a
   * group of one process that only cares about what happens from now on.
   */
  fromBeginning?: boolean;
  /**
   * `dead-letter` (default): a message that is not a valid CloudEvent or fails its contract goes to
   * `<topic>.dlq`. `skip`: it is logged and skipped, for a group that reads beside another one that
   * dead-letters the same messages already.
   */
  invalid?: 'dead-letter' | 'skip';
  maxAttempts?: number;
  retryBaseMs?: number;
  partitionsConsumedConcurrently?: number;
}

/**
 * Thrown by a handler that will not take the message after all because its process is stopping: the
 * message is neither retried nor dead-lettered, its offset is not committed, and another member of the
 * group gets it. Only throw it while the consumer is being stopped.
 */
export class HandBack extends Error {
  override readonly name = 'HandBack';
}

interface Registration {
  definition: MessageDefinition;
  handler: DirectMessageHandler<MessageDefinition>;
}

/**
 * A consumer for processes without a database (the CLI's `pipewright worker`): messages are validated
 * against their contract, handed to the handler, and the offset is committed once it returns. There is
 * no record of messages seen, so a redelivered message reaches the handler again: handlers must be
 * idempotent by themselves. Messages of other types are ignored; invalid ones and ones whose handler
 * keeps failing (bounded retries, or one PermanentFailure) are dead-lettered, as with EventConsumer.
 */
export class DirectConsumer {
  private readonly registrations = new Map<string, Registration>();
  private consumer?: Consumer;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(private readonly options: DirectConsumerOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 200;
  }

  on<D extends MessageDefinition>(definition: D, handler: DirectMessageHandler<D>): this {
    if (this.registrations.has(definition.type))
      throw new Error(`a handler for ${definition.type} is already registered`);
    this.registrations.set(definition.type, { definition, handler });
    return this;
  }

  get groupId(): string {
    return this.options.bus.topic(this.options.groupId);
  }

  async start(): Promise<void> {
    const { bus } = this.options;
    const logicalTopics = [...new Set([...this.registrations.values()].map((r) => r.definition.topic))];
    await bus.ensureTopics(logicalTopics);
    const consumer = bus.kafka.consumer({ groupId: this.groupId, ...consumerSettings });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: logicalTopics.map((t) => bus.topic(t)),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => {
        const { topic, partition, message } = payload;
        return this.handle(topic, partition, message, {
          heartbeat: () => payload.heartbeat(),
          commit: () =>
            consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]),
        });
      },
    });
  }

  /** Stops fetching; a handler under way finishes first (kafkajs waits for it). */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    { heartbeat, commit }: Omit<DirectMessageContext, 'attributes'>,
  ) {
    let decoded;
    try {
      decoded = decodeRegistered(message, this.registrations);
    } catch (error) {
      return this.reject(topic, partition, message, error, 0);
    }
    if (!decoded) return;
    const { envelope, registration, data } = decoded;
    for (let attempt = 1; ; attempt++) {
      try {
        await registration.handler(data, { attributes: envelope.attributes, heartbeat, commit });
        return;
      } catch (error) {
        if (error instanceof HandBack) throw error;
        if (error instanceof PermanentFailure || attempt >= this.maxAttempts)
          return this.reject(topic, partition, message, error, attempt);
        this.options.bus.logger.warn(
          { err: error, type: envelope.attributes.type, id: envelope.attributes.id, attempt },
          'message handling failed; retrying',
        );
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, this.retryBaseMs, 10_000)));
        await heartbeat();
      }
    }
  }

  private async reject(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) {
    if (this.options.invalid === 'skip') {
      this.options.bus.logger.warn(
        { err: error, topic, partition, offset: message.offset, consumer: this.groupId },
        'message skipped',
      );
      return;
    }
    await sendToDeadLetters(
      this.options.bus,
      { topic, partition, consumer: this.options.groupId, groupId: this.groupId },
      message,
      error,
      attempts,
    );
  }
}
