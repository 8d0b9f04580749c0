import { randomUUID } from 'node:crypto';
import {
  PIPELINE_RUN_QUEUED,
  PipelineRunQueued,
  Topics,
  deadLetterTopic,
  newCDEvent,
  sourceOf,
  toCloudEventHeaders,
  type CloudEventAttributes,
} from '@pipewright/contracts';
import { kafka, postgres, topicPrefix, waitFor, type PostgresService } from '@pipewright/testing';
import { DataSource } from 'typeorm';
import {
  BatchEventConsumer,
  DeadLetterHeaders,
  EventBus,
  EventBusTables1763800000000,
  EventTap,
  PermanentFailure,
  eventBusEntities,
  type BatchHandler,
} from '../src';
import { newAttributes } from '../src/envelope';

jest.setTimeout(120_000);

const SCHEMA = 'batch_test';

function queuedEvent(runId: string, component = 'hello') {
  return newCDEvent(
    PIPELINE_RUN_QUEUED,
    sourceOf('bus-test'),
    { id: runId, content: { pipelineName: 'hello' } },
    { component, team: 'team-a', solution: 'demo', trigger: { type: 'http' as const }, definition: {} },
  );
}

describe(BatchEventConsumer.name, () => {
  let db: PostgresService;
  let dataSource: DataSource;
  let bus: EventBus;
  let tap: EventTap;
  const consumers: BatchEventConsumer[] = [];

  /** One row per application of a message: a message applied twice shows up twice. */
  const applied = async (): Promise<{ message_id: string; run_id: string; batch: number }[]> =>
    dataSource.query(`SELECT message_id, run_id, batch FROM ${SCHEMA}.applied ORDER BY seq`);

  /**
   * Records the messages it is handed that belong to its test (every consumer reads the topic from the
   * beginning); `fail` may throw for a batch to exercise failures.
   */
  function recorder(
    mine: (runId: string) => boolean,
    fail: (runIds: string[]) => void = () => undefined,
  ): BatchHandler {
    let batches = 0;
    return async (all, { manager }) => {
      const messages = all.filter((m) => mine((m.data as ReturnType<typeof queuedEvent>).subject.id));
      const runIds = messages.map((m) => (m.data as ReturnType<typeof queuedEvent>).subject.id);
      fail(runIds);
      if (messages.length === 0) return;
      const batch = ++batches;
      await manager.query(
        `INSERT INTO ${SCHEMA}.applied (message_id, run_id, batch) SELECT unnest($1::text[]), unnest($2::text[]), $3`,
        [messages.map((m) => m.attributes.id), runIds, batch],
      );
    };
  }

  async function start(name: string, handler: BatchHandler, members = 1) {
    const consumer = new BatchEventConsumer({
      members,
      bus,
      dataSource,
      name,
      definitions: [PipelineRunQueued],
      handler,
      maxAttempts: 3,
      retryBaseMs: 10,
      maxMessagesPerTransaction: 50,
    });
    consumers.push(consumer);
    await consumer.start();
  }

  /** Sends each event as one CloudEvent with fixed attributes, so sending it again is a redelivery. */
  async function send(events: { event: ReturnType<typeof queuedEvent>; attributes: CloudEventAttributes }[]) {
    await bus.requireProducer().send({
      topic: bus.topic(Topics.cdevents),
      acks: -1,
      messages: events.map(({ event, attributes }) => ({
        key: attributes.partitionkey,
        value: JSON.stringify(event),
        headers: toCloudEventHeaders(attributes),
      })),
    });
  }

  const attributesFor = (event: ReturnType<typeof queuedEvent>) =>
    newAttributes({ source: event.context.source, type: event.context.type, partitionkey: event.subject.id });

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
      `CREATE TABLE ${SCHEMA}.applied (seq serial PRIMARY KEY, message_id text NOT NULL, run_id text NOT NULL, batch int NOT NULL)`,
    );
    bus = new EventBus({ brokers, service: 'bus-test', topicPrefix: topicPrefix() });
    await bus.connect();
    await bus.ensureTopics([Topics.cdevents]);
    tap = await EventTap.open(bus, [deadLetterTopic(Topics.cdevents)]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await dataSource.query(`TRUNCATE ${SCHEMA}.applied`);
  });

  afterAll(async () => {
    await tap?.close();
    await bus?.disconnect();
    await dataSource?.destroy();
    await db?.drop();
  }, 30_000);

  // Several members share the topic's partitions between them: still each message once, in order per key.
  it.each([1, 3])(
    'applies 400 messages once each, in batches, skipping 100 redeliveries, in order per key (members: %i)',
    async (members) => {
      const runIds: string[] = Array.from({ length: 4 }, () => randomUUID());
      // 100 events per run key; every fourth one is delivered twice.
      const events = runIds.flatMap((runId) =>
        Array.from({ length: 100 }, () => {
          const event = queuedEvent(runId);
          return { event, attributes: attributesFor(event) };
        }),
      );
      await send(events.flatMap((e, i) => (i % 4 === 0 ? [e, e] : [e])));
      await start(
        `ordered-${members}`,
        recorder((runId) => runIds.includes(runId)),
        members,
      );

      const rows = await waitFor(async () => (await applied()).length >= 400 && applied(), {
        timeoutMs: 60_000,
        description: '400 applied messages',
      });
      // Stays at 400 once the redeliveries are past.
      expect(rows).toHaveLength(400);
      expect(new Set(rows.map((r) => r.message_id)).size).toBe(400);
      for (const runId of runIds) {
        const sent = events.filter((e) => e.event.subject.id === runId).map((e) => e.attributes.id);
        expect(rows.filter((r) => r.run_id === runId).map((r) => r.message_id)).toEqual(sent);
      }
      expect(new Set(rows.map((r) => r.batch)).size).toBeLessThan(400);
    },
  );

  it('dead-letters the one message a batch cannot take and commits the others; a broken message at once', async () => {
    const key = randomUUID();
    const poison = randomUUID();
    const events = [key, key, poison, key].map((runId) => queuedEvent(runId === poison ? poison : randomUUID()));
    // All on one partition (one key), so they arrive in one batch.
    const keyed = events.map((event) => ({ event, attributes: { ...attributesFor(event), partitionkey: key } }));
    await send(keyed);
    await bus.sendRaw(Topics.cdevents, { key, value: '{ broken', headers: { 'x-test-marker': key } });

    const mine = new Set(events.map((e) => e.subject.id));
    await start(
      'isolating',
      recorder(
        (runId) => mine.has(runId),
        (runIds) => {
          if (runIds.includes(poison)) throw new PermanentFailure(`run ${poison} contradicts what is stored`);
        },
      ),
    );

    const letter = await tap.waitFor((m) => m.headers[DeadLetterHeaders.error]?.includes(poison) ?? false, {
      description: 'the poison message in the dead-letter topic',
    });
    const poisonId = keyed.find((e) => e.event.subject.id === poison)!.attributes.id;
    expect(letter.headers.ce_id).toBe(poisonId);
    expect(letter.headers[DeadLetterHeaders.attempts]).toBe('1');
    await tap.waitFor((m) => m.headers['x-test-marker'] === key, { description: 'the broken message' });
    const rows = await waitFor(async () => (await applied()).length >= 3 && applied(), {
      description: 'the three good messages',
    });
    expect(rows.map((r) => r.run_id)).toEqual(events.filter((e) => e.subject.id !== poison).map((e) => e.subject.id));
  });

  it('retries a batch that fails for a while and applies it once', async () => {
    let failures = 0;
    const event = queuedEvent(randomUUID());
    await send([{ event, attributes: attributesFor(event) }]);

    await start(
      'flaky',
      recorder(
        (runId) => runId === event.subject.id,
        (runIds) => {
          if (runIds.length > 0 && failures++ < 2) throw new Error('database hiccup');
        },
      ),
    );

    const rows = await waitFor(async () => (await applied()).length >= 1 && applied(), { description: 'one row' });
    expect(rows.map((r) => r.run_id)).toEqual([event.subject.id]);
    expect(failures).toBe(3);
  });
});
