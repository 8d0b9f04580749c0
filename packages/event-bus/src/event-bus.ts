import { setTimeout as sleep } from 'node:timers/promises';
import { parseMessage, sourceOf, type MessageData, type MessageDefinition } from '@pipewright/contracts';
import { currentTraceHeaders } from '@pipewright/telemetry';
import { Kafka, Partitioners, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';
import { newAttributes, toKafkaMessage } from './envelope';
import { installFastRecordDecoder } from './kafkajs/fast-record-decoder';
import { fixKafkajsIdleRequestQueue } from './kafkajs/request-queue-idle-fix';
import { silentLogger, type BusLogger } from './logger';

export interface EventBusOptions {
  brokers: string[];
  /** The service name: Kafka client id and CloudEvents source. */
  service: string;
  /** Prepended to every topic name; lets tests and side-by-side installs share one cluster. */
  topicPrefix?: string;
  logger?: BusLogger;
  /** Partitions for topics this bus creates. */
  partitions?: number;
}

fixKafkajsIdleRequestQueue();
installFastRecordDecoder();

/**
 * One Kafka connection per service process: the idempotent producer the outbox relay
 * publishes through, the admin client for topics and health, and topic naming.
 * The only place outside this package that sees Kafka is nothing: services use
 * OutboxWriter to publish and EventConsumer to consume.
 */
export class EventBus {
  readonly kafka: Kafka;
  readonly service: string;
  readonly source: string;
  readonly logger: BusLogger;
  private readonly prefix: string;
  private readonly partitions: number;
  private producer?: Producer;
  private admin?: Admin;
  private readonly createdTopics = new Set<string>();

  constructor(options: EventBusOptions) {
    this.service = options.service;
    this.source = sourceOf(options.service);
    this.prefix = options.topicPrefix ?? '';
    this.partitions = options.partitions ?? 4;
    this.logger = options.logger ?? silentLogger;
    const logger = this.logger;
    this.kafka = new Kafka({
      clientId: options.service,
      brokers: options.brokers,
      retry: { initialRetryTime: 100, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...extra } = log;
          // Bounded producer retries are deliberate (the relay retries from the outbox, consumers de-duplicate).
          if (message.startsWith('Limiting retries for the idempotent producer')) return;
          if (level === logLevel.ERROR) logger.error({ kafka: extra }, message);
          else if (level === logLevel.WARN) logger.warn({ kafka: extra }, message);
        },
    });
  }

  /** The physical topic name for a logical one (see topicPrefix). */
  topic(logical: string): string {
    return this.prefix + logical;
  }

  async connect(): Promise<void> {
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    // Idempotent + one request in flight: no duplicates from producer retries, order kept per partition.
    this.producer ??= this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }

  /** Health check: succeeds when the cluster answers a metadata request. */
  async ping(): Promise<void> {
    if (!this.admin) throw new Error('event bus is not connected');
    await this.admin.describeCluster();
  }

  /** Creates the (logical) topics and their dead-letter topics if missing. Safe to call from many processes. */
  async ensureTopics(logicalTopics: readonly string[]): Promise<void> {
    const wanted = logicalTopics
      .flatMap((t) => [this.topic(t), `${this.topic(t)}.dlq`])
      .filter((t) => !this.createdTopics.has(t));
    if (wanted.length === 0) return;
    const admin = this.requireAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      try {
        // Not kafkajs' waitForLeaders: it waits only when it created every topic itself (waitUntilServed below).
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: 1 })),
        });
      } catch (error) {
        // Another process created it between our list and create: that is the outcome we wanted.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
      }
      // Whoever created them: topics another service created a moment earlier may not be served yet,
      // and a consumer subscribing to them would fail with UNKNOWN_TOPIC_OR_PARTITION.
      await this.waitUntilServed(missing);
    }
    for (const t of wanted) this.createdTopics.add(t);
  }

  private async waitUntilServed(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let lastError: unknown;
      try {
        const { topics: served } = await this.requireAdmin().fetchTopicMetadata({ topics });
        const ready = (name: string) =>
          served.some((t) => t.name === name && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (topics.every(ready)) return;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable) throw error;
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const why = lastError instanceof Error ? `: ${lastError.message}` : '';
        throw new Error(`Kafka did not serve topics ${topics.join(', ')} within ${timeoutMs} ms${why}`);
      }
      await sleep(100);
    }
  }

  /**
   * Publishes straight to Kafka, bypassing the outbox: for streams that announce no state
   * change (log lines, metric samples), tools and tests. A service that changes state must
   * publish through OutboxWriter in the same transaction.
   */
  async publishDirect<D extends MessageDefinition>(
    definition: D,
    data: MessageData<D>,
    extra: { traceparent?: string } = {},
  ): Promise<string> {
    const valid = parseMessage(definition, data);
    // Joins the active trace unless told otherwise, so log lines belong to their task's span.
    const trace = extra.traceparent ? { traceparent: extra.traceparent } : currentTraceHeaders();
    const attributes = newAttributes({
      source: this.source,
      type: definition.type,
      subject: definition.subject(valid),
      partitionkey: definition.key(valid),
      traceparent: trace?.traceparent,
      tracestate: trace?.tracestate,
    });
    await this.requireProducer().send({
      topic: this.topic(definition.topic),
      acks: -1,
      messages: [toKafkaMessage({ attributes, data: valid })],
    });
    return attributes.id;
  }

  /** Sends raw bytes (any headers) to a logical topic: for tests of poison-message handling. */
  async sendRaw(logicalTopic: string, message: { key?: string; value: string | Buffer; headers?: IHeaders }) {
    await this.requireProducer().send({ topic: this.topic(logicalTopic), acks: -1, messages: [message] });
  }

  requireProducer(): Producer {
    if (!this.producer) throw new Error('event bus is not connected: call connect() first');
    return this.producer;
  }

  private requireAdmin(): Admin {
    if (!this.admin) throw new Error('event bus is not connected: call connect() first');
    return this.admin;
  }
}
