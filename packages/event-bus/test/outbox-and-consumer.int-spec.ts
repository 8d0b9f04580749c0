import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  PIPELINE_RUN_QUEUED,
  PipelineRunQueued,
  Topics,
  deadLetterTopic,
  newCDEvent,
  sourceOf,
  toCloudEventHeaders,
} from '@pipewright/contracts';
import { kafka, postgres, topicPrefix, waitFor, type PostgresService } from '@pipewright/testing';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DeadLetterHeaders,
  EventBus,
  EventBusTables1763800000000,
  EventConsumer,
  EventTap,
  OutboxRelay,
  OutboxWriter,
  eventBusEntities,
} from '../src';

const SCHEMA = 'bus_test';
const spans = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }));

function queuedEvent(runId = randomUUID()) {
  return newCDEvent(
    PIPELINE_RUN_QUEUED,
    sourceOf('bus-test'),
    { id: runId, content: { pipelineName: 'hello' } },
    { component: 'hello', team: 'team-a', solution: 'demo', trigger: { type: 'http' as const }, definition: {} },
  );
}

describe('event bus against real Kafka and Postgres', () => {
  let db: PostgresService;
  let dataSource: DataSource;
  let bus: EventBus;
  let tap: EventTap;
  const consumers: EventConsumer[] = [];
  const writer = new OutboxWriter(sourceOf('bus-test'));

  /** The effect handlers apply: one row per handled message, so a double application is visible. */
  const applied = async (): Promise<{ message_id: string; run_id: string }[]> =>
    dataSource.query(`SELECT message_id, run_id FROM ${SCHEMA}.applied ORDER BY seq`);
  const apply = (manager: EntityManager, messageId: string, runId: string) =>
    manager.query(`INSERT INTO ${SCHEMA}.applied (message_id, run_id) VALUES ($1, $2)`, [messageId, runId]);

  /** Each test's consumer reads the topic from the beginning, so it acts only on the runs its test made. */
  async function startConsumer(
    name: string,
    runIds: string[],
    handler: (runId: string, manager: EntityManager, id: string) => Promise<void>,
  ) {
    const consumer = new EventConsumer({ bus, dataSource, name, maxAttempts: 3, retryBaseMs: 10 }).on(
      PipelineRunQueued,
      async (event, { manager, attributes }) => {
        if (runIds.includes(event.subject.id)) await handler(event.subject.id, manager, attributes.id);
      },
    );
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  beforeAll(async () => {
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      schema: SCHEMA,
      entities: eventBusEntities,
      migrations: [EventBusTables1763800000000],
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA ${SCHEMA}`);
    await dataSource.runMigrations();
    await dataSource.query(
      `CREATE TABLE ${SCHEMA}.applied (seq serial PRIMARY KEY, message_id text NOT NULL, run_id text NOT NULL)`,
    );
    bus = new EventBus({ brokers, service: 'bus-test', topicPrefix: topicPrefix() });
    await bus.connect();
    await bus.ensureTopics([Topics.cdevents]);
    tap = await EventTap.open(bus, [Topics.cdevents, deadLetterTopic(Topics.cdevents)]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    await tap?.close();
    await bus?.disconnect();
    await dataSource?.destroy();
    await db?.drop();
  }, 30_000);

  beforeEach(() => dataSource.query(`TRUNCATE ${SCHEMA}.applied, ${SCHEMA}.outbox, ${SCHEMA}.processed_messages`));

  it('loses nothing and applies each event once when the relay dies between publish and mark-sent', async () => {
    const runIds = [randomUUID(), randomUUID(), randomUUID()];
    await dataSource.transaction(async (manager) => {
      for (const runId of runIds) await writer.publish(manager, PipelineRunQueued, queuedEvent(runId));
    });

    // The first relay gets Kafka's ack and then "dies": its transaction never commits the sent marks.
    const dying = new OutboxRelay({
      dataSource,
      bus,
      afterPublish: () => Promise.reject(new Error('relay killed after publish')),
    });
    await expect(dying.publishPending()).rejects.toThrow('relay killed after publish');
    const [unsent] = await dataSource.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE sent_at IS NULL`);
    expect(unsent.n).toBe(3);

    // A new relay publishes the same rows again (same message ids), then marks them sent.
    expect(await new OutboxRelay({ dataSource, bus }).publishPending()).toBe(3);
    const [sent] = await dataSource.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE sent_at IS NOT NULL`);
    expect(sent.n).toBe(3);

    await startConsumer('once', runIds, (runId, manager, id) => apply(manager, id, runId));
    // Every event is on Kafka twice...
    await waitFor(() => runIds.every((r) => tap.messages.filter((m) => m.attributes?.subject === r).length === 2), {
      timeoutMs: 30_000,
      description: 'each event published twice',
    });
    // ...and applied once, in publish order (one key per run, so order across runs is by partition; check the set).
    await waitFor(async () => (await applied()).length >= 3, { timeoutMs: 30_000, description: 'three effects' });
    const effects = await applied();
    expect(effects.map((e) => e.run_id).sort()).toEqual([...runIds].sort());
    expect(new Set(effects.map((e) => e.message_id)).size).toBe(3);
  }, 90_000);

  it('dead-letters poison messages with the error in headers and keeps handling the next good one', async () => {
    const goodRun = randomUUID();
    const consumer = await startConsumer('poison', [goodRun], (runId, manager, id) => apply(manager, id, runId));

    // Both poison messages share a key, so they reach the dead-letter topic in this order.
    const invalid = queuedEvent();
    await bus.sendRaw(Topics.cdevents, { key: invalid.subject.id, value: 'not even json' }); // no CloudEvent headers
    const headers = toCloudEventHeaders({
      specversion: '1.0',
      id: randomUUID(),
      source: '/test',
      type: PIPELINE_RUN_QUEUED,
      time: new Date().toISOString(),
      partitionkey: invalid.subject.id,
      contentType: 'application/json',
    });
    const { customData: _dropped, ...withoutCustomData } = invalid;
    await bus.sendRaw(Topics.cdevents, { key: invalid.subject.id, value: JSON.stringify(withoutCustomData), headers });
    await bus.publishDirect(PipelineRunQueued, queuedEvent(goodRun));

    await waitFor(async () => (await applied()).some((e) => e.run_id === goodRun), {
      timeoutMs: 30_000,
      description: 'the good message after two poison ones',
    });
    await waitFor(
      () =>
        tap.messages.filter(
          (m) =>
            m.topic === bus.topic(deadLetterTopic(Topics.cdevents)) &&
            m.headers[DeadLetterHeaders.consumer] === consumer.groupId,
        ).length === 2,
      { timeoutMs: 30_000, description: 'two dead letters' },
    );
    const letters = tap.messages.filter(
      (m) =>
        m.topic === bus.topic(deadLetterTopic(Topics.cdevents)) &&
        m.headers[DeadLetterHeaders.consumer] === consumer.groupId,
    );
    expect(letters.map((m) => m.headers[DeadLetterHeaders.error])).toEqual([
      'CloudEvent headers is invalid: specversion: Invalid input: expected "1.0"; id: Invalid input: expected string, received undefined; ' +
        'source: Invalid input: expected string, received undefined; type: Invalid input: expected string, received undefined; ' +
        'time: Invalid input: expected string, received undefined; partitionkey: Invalid input: expected string, received undefined; ' +
        'contentType: Invalid input: expected "application/json"',
      `${PIPELINE_RUN_QUEUED} is invalid: customData: Invalid input: expected object, received undefined`,
    ]);
    expect(letters[0]?.headers[DeadLetterHeaders.originalTopic]).toBe(bus.topic(Topics.cdevents));
    expect(letters[1]?.headers[DeadLetterHeaders.attempts]).toBe('0');
  }, 90_000);

  it('retries a failing handler with backoff, rolls back each failed attempt, and dead-letters after the limit', async () => {
    const flaky = randomUUID();
    const broken = randomUUID();
    const attempts = new Map<string, number>();
    const consumer = await startConsumer('retries', [flaky, broken], async (runId, manager, id) => {
      const n = (attempts.get(runId) ?? 0) + 1;
      attempts.set(runId, n);
      await apply(manager, id, runId); // written, then rolled back when the attempt throws
      if (runId === broken) throw new Error('downstream is down');
      if (runId === flaky && n < 3) throw new Error(`flaky attempt ${n}`);
    });
    await bus.publishDirect(PipelineRunQueued, queuedEvent(broken));
    await bus.publishDirect(PipelineRunQueued, queuedEvent(flaky));

    await waitFor(async () => (await applied()).some((e) => e.run_id === flaky), {
      timeoutMs: 30_000,
      description: 'the flaky message applied',
    });
    const letter = await tap.waitFor(
      (m) => m.headers[DeadLetterHeaders.consumer] === consumer.groupId && m.attributes?.subject === broken,
      { timeoutMs: 30_000, description: 'the broken message dead-lettered' },
    );
    expect(letter.headers[DeadLetterHeaders.error]).toBe('downstream is down');
    expect(letter.headers[DeadLetterHeaders.attempts]).toBe('3');
    expect(attempts.get(flaky)).toBe(3);
    expect((await applied()).map((e) => e.run_id)).toEqual([flaky]);
  }, 90_000);

  it("continues the writer's trace across Kafka: consumer span -> producer span -> original span", async () => {
    spans.reset();
    const runId = randomUUID();
    let handlerTraceId: string | undefined;
    await startConsumer('traces', [runId], async (r, manager, id) => {
      handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
      await apply(manager, id, r);
    });

    const original = trace.getTracer('test').startSpan('POST /runs');
    await context.with(trace.setSpan(context.active(), original), () =>
      dataSource.transaction((manager) => writer.publish(manager, PipelineRunQueued, queuedEvent(runId))),
    );
    original.end();
    await new OutboxRelay({ dataSource, bus }).publishPending();
    await waitFor(async () => (await applied()).some((e) => e.run_id === runId), {
      timeoutMs: 30_000,
      description: 'the traced message applied',
    });

    const traceId = original.spanContext().traceId;
    expect(handlerTraceId).toBe(traceId);
    const finished = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const producer = finished.find((s) => s.name.endsWith(' publish'));
    const consumerSpan = finished.find((s) => s.name.endsWith(' process'));
    expect(producer?.parentSpanContext?.spanId).toBe(original.spanContext().spanId);
    expect(consumerSpan?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
  }, 90_000);
});
