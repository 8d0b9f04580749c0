import { timeOrderedUuid, Topics, VERSION_ALLOCATED } from '@pipewright/contracts';
import { EventBus } from '@pipewright/event-bus';
import { cpuOfProcesses, LOCAL_SERVERS } from '@pipewright/testing';
import { availableParallelism, loadavg } from 'node:os';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '@pipewright/service-runtime';
import { dataSourceOptions, SCHEMA } from '../src/database/data-source';
import { benchServices, startBenchApp, type BenchServices } from './support/bench-app';
import { EVENTS_PER_RUN, interleavedRuns, runMessages, STAGES, TASKS_PER_STAGE } from './support/run-event-stream';
import { log, round, since } from './support/stats';

const TARGET = 20_000;
const MIN_SECONDS = 60;

/**
 * `ingest`: CDEvents per second from Kafka into Postgres through the service's ingestion (batch consumer:
 * event log, runs, task and stage runs, version allocation with its outbox answer), sustained for at least
 * 60 s with realistic interleaved run events and redeliveries. Then checks every row: none lost, none twice.
 * Baseline: raw multi-row INSERTs of the same rows into a copy of the events table (same indexes).
 */
export async function ingestBench(): Promise<string> {
  const runs = Number(process.env.BENCH_INGEST_RUNS ?? Math.ceil((TARGET * (MIN_SECONDS + 5)) / EVENTS_PER_RUN));
  const services = await benchServices();
  const producerBus = new EventBus({
    brokers: services.brokers,
    service: 'bench',
    topicPrefix: services.topicPrefix,
    partitions: 4,
  });
  await producerBus.connect();
  try {
    const baseline = await rawInsertBaseline(services);
    log(`ingest: baseline raw INSERT ${Math.round(baseline)} rows/s`);

    const produced = await produce(producerBus, runs);
    log(`ingest: ${produced.unique} events (+${produced.redeliveries} redeliveries) of ${runs} runs in Kafka`);

    // The service's own defaults, unless INGEST_BATCH_SIZE / INGEST_CONCURRENCY are set to try others.
    const tuning = Object.fromEntries(
      ['INGEST_BATCH_SIZE', 'INGEST_CONCURRENCY'].flatMap((name) =>
        process.env[name] ? [[name, process.env[name]]] : [],
      ),
    );
    // The baseline's writes are checkpointed before the clock starts, not in the measured window.
    await checkpoint(services.database.url);
    const app = await startBenchApp(services, tuning);
    const start = performance.now();
    const cpuAtStart = process.cpuUsage();
    const serversAtStart = serversCpu();
    try {
      const firstCommit = await waitUntilConsumed(producerBus, services, start);
      const seconds = since(start) / 1_000;
      const rate = produced.unique / seconds;
      // The service runs in this process: its CPU per event hardly depends on how loaded the machine is.
      const cpu = process.cpuUsage(cpuAtStart);
      const messages = produced.unique + produced.redeliveries;
      const cpuPerEvent = (cpu.user + cpu.system) / messages;
      const servers = serversCpu();
      log(`ingest: all consumed in ${round(seconds)} s`);
      const check = await checkRows(services.database.url, runs, produced.unique);
      const stages = await checkStages(app.baseUrl, services.database.url, 200);
      console.log(`ingest: baseline raw INSERT (same rows, same indexes, no Kafka): ${Math.round(baseline)} rows/s`);
      console.log(
        `ingest: ${produced.unique} events + ${produced.redeliveries} redeliveries of ${runs} runs in ${round(seconds)} s`,
      );
      console.log(
        `ingest: Node CPU ${round((cpu.user + cpu.system) / 1e6)} s = ${round(cpuPerEvent)} µs per message read (user+system of the ingesting process)`,
      );
      if (firstCommit) {
        const steady = (firstCommit.remaining * (produced.unique / messages)) / (seconds - firstCommit.at / 1_000);
        console.log(
          `ingest: from the first committed batch (${round(firstCommit.at / 1_000)} s after start, the group joined): ${Math.round(steady)} events/s`,
        );
      }
      console.log(`ingest: load average at the end ${loadavg().map(round).join(' ')}`);
      console.log(cpuBudget(cpuPerEvent, serversAtStart, servers, produced.unique + produced.redeliveries));
      console.log(
        `ingest: rows check: lost=${check.lost} duplicated=${check.duplicated} runs-finished=${check.finishedRuns}/${runs} task-runs=${check.taskRuns} versions=${check.versions}`,
      );
      if (seconds < MIN_SECONDS)
        console.log(`ingest: ran ${round(seconds)} s < ${MIN_SECONDS} s: raise BENCH_INGEST_RUNS`);
      console.log(
        `ingest: stages check (GET /runs/:id of ${stages.runs} random runs): ${stages.finished}/${stages.runs * STAGES.length} stages finished`,
      );
      if (check.lost > 0 || check.duplicated > 0 || stages.finished !== stages.runs * STAGES.length)
        console.log('ingest: FAILED the rows check');
      return `ingest: ${Math.round(rate)} events/s (target >= ${TARGET})`;
    } finally {
      await app.close();
    }
  } finally {
    await producerBus.disconnect();
    await services.database.drop();
  }
}

/** CPU ms used so far by the machine's PostgreSQL and Kafka broker (all their processes), where /proc tells. */
function serversCpu(): { postgres?: number; kafka?: number } {
  return { postgres: cpuOfProcesses(LOCAL_SERVERS.postgres), kafka: cpuOfProcesses(LOCAL_SERVERS.kafka) };
}

/**
 * Where the CPU went, per message read: this process, PostgreSQL, the Kafka broker. With all three on
 * this machine's cores, their sum bounds the rate: cores / (CPU per message). Other work on the machine
 * meanwhile (another database's backends) counts as PostgreSQL's: run the bench on a quiet machine.
 */
function cpuBudget(
  serviceUs: number,
  before: { postgres?: number; kafka?: number },
  after: { postgres?: number; kafka?: number },
  messages: number,
): string {
  const perMessage = (server: 'postgres' | 'kafka') => {
    const start = before[server];
    const end = after[server];
    return start === undefined || end === undefined ? undefined : ((end - start) * 1_000) / messages;
  };
  const postgres = perMessage('postgres');
  const kafka = perMessage('kafka');
  if (postgres === undefined || kafka === undefined)
    return 'ingest: CPU of PostgreSQL and Kafka not readable here (no /proc)';
  const total = serviceUs + postgres + kafka;
  const cores = availableParallelism();
  return (
    `ingest: CPU per message: service ${round(serviceUs)} µs + PostgreSQL ${round(postgres)} µs + Kafka broker ${round(kafka)} µs = ${round(total)} µs; ` +
    `with ${cores} cores for all three the ceiling is ${Math.round((cores * 1e6) / total)} messages/s`
  );
}

async function produce(bus: EventBus, runs: number): Promise<{ unique: number; redeliveries: number }> {
  await bus.ensureTopics([Topics.cdevents]);
  const producer = bus.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const topic = bus.topic(Topics.cdevents);
  const seen = new Set<string>();
  let total = 0;
  let batch: { key: string; value: string; headers: Record<string, string> }[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const flush = async () => {
    const messages = batch;
    batch = [];
    const sending = producer.send({ topic, acks: 1, messages });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  const start = performance.now();
  for (const message of interleavedRuns(runs, 500, 0.05)) {
    seen.add(message.id);
    total++;
    batch.push({ key: message.key, value: message.value, headers: message.headers });
    if (batch.length === 1_000) await flush();
    if (total % 200_000 === 0) log(`ingest: produced ${total} in ${round(since(start) / 1_000)} s`);
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  await producer.disconnect();
  return { unique: seen.size, redeliveries: total - seen.size };
}

/**
 * Until the consumer group has committed the end offset of every partition. Returns when it was first seen
 * to have committed anything (ms after `start`) and how many messages were still to come then.
 */
async function waitUntilConsumed(
  bus: EventBus,
  services: BenchServices,
  start: number,
): Promise<{ at: number; remaining: number } | undefined> {
  const admin = bus.kafka.admin();
  await admin.connect();
  try {
    const topic = bus.topic(Topics.cdevents);
    const groupId = `${services.topicPrefix}build-data-repository.run-events`;
    const ends = await admin.fetchTopicOffsets(topic);
    const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
    let lastLog = 0;
    let firstCommit: { at: number; remaining: number } | undefined;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      // The end offsets grow as the service's own answers (VersionAllocated) arrive; the produced ones are `ends`.
      const done = ends.every((end) => {
        const partition = committed?.partitions.find((p) => p.partition === end.partition);
        return partition !== undefined && Number(partition.offset) >= Number(end.high);
      });
      const consumed = (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      if (firstCommit === undefined && consumed > 0) firstCommit = { at: since(start), remaining: total - consumed };
      if (since(start) - lastLog > 10_000) {
        lastLog = since(start);
        log(`ingest: ${Math.min(consumed, total)}/${total} messages consumed after ${round(since(start) / 1_000)} s`);
      }
      if (done) return firstCommit;
    }
  } finally {
    await admin.disconnect();
  }
}

/** CHECKPOINT, where the bench's database user may (a superuser, as on the test machines). */
async function checkpoint(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } catch (error) {
    log(`ingest: no CHECKPOINT before measuring (${(error as Error).message})`);
  } finally {
    await client.end();
  }
}

/** Every produced event stored once, every run complete; answers (VersionAllocated) are counted apart. */
async function checkRows(url: string, runs: number, produced: number) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET search_path TO builddata');
    const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    const stored = await count(`SELECT count(*) AS n FROM events WHERE type <> '${VERSION_ALLOCATED}'`);
    const distinct = await count(`SELECT count(DISTINCT id) AS n FROM events WHERE type <> '${VERSION_ALLOCATED}'`);
    return {
      lost: produced - distinct,
      duplicated: stored - distinct,
      finishedRuns: await count(`SELECT count(*) AS n FROM runs WHERE status = 'finished' AND version IS NOT NULL`),
      taskRuns: `${await count(`SELECT count(*) AS n FROM task_runs WHERE status = 'finished'`)}/${runs * STAGES.length * TASKS_PER_STAGE}`,
      versions: `${await count(`SELECT count(*) AS n FROM versions`)}/${runs}`,
    };
  } finally {
    await client.end();
  }
}

/** Stages are derived when a run is read: every stage of `sample` random runs, read through the API, finished. */
async function checkStages(baseUrl: string, url: string, sample: number) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM builddata.runs ORDER BY random() LIMIT $1`, [
      sample,
    ]);
    let finished = 0;
    for (const { id } of rows) {
      const response = await fetch(`${baseUrl}/runs/${id}`);
      const run = (await response.json()) as { stages: { status: string }[] };
      finished += run.stages.filter((stage) => stage.status === 'finished').length;
    }
    return { runs: rows.length, finished };
  } finally {
    await client.end();
  }
}

/** Multi-row INSERTs of event rows like ingestion writes, 4 connections, 10 s, into a copy of the events table. */
async function rawInsertBaseline(services: BenchServices): Promise<number> {
  // The service's own events table (its migrations run here first): same columns, collations and indexes.
  const dataSource = new DataSource(dataSourceOptions(services.database.url));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    await dataSource.query(`CREATE TABLE public.baseline_events (LIKE ${SCHEMA}.events INCLUDING ALL)`);
  } finally {
    await dataSource.destroy();
  }
  const rows = Array.from({ length: 50 }, (_, i) => runMessages(i, Date.now())).flat();
  const columns = (offset: number) => {
    const chunk = Array.from({ length: 1_000 }, (_, i) => rows[(offset + i) % rows.length]!);
    const parsed = chunk.map(
      (m) => JSON.parse(m.value) as { context: { id: string; timestamp: string }; customData?: { component?: string } },
    );
    return [
      chunk.map(() => timeOrderedUuid()),
      parsed.map((e) => e.context.id),
      chunk.map((m) => m.headers.ce_type!),
      chunk.map((m) => m.headers.ce_source!),
      chunk.map((m) => m.headers.ce_subject ?? null),
      chunk.map((m) => m.key),
      parsed.map((e) => e.customData?.component ?? null),
      parsed.map((e) => e.context.timestamp),
      chunk.map((m) => m.value),
    ];
  };
  // Shorter only for the smoke test that keeps the bench running (benches.int-spec.ts).
  const deadline = performance.now() + Number(process.env.BENCH_INGEST_BASELINE_MS ?? 10_000);
  let inserted = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async (_, worker) => {
      const client = new Client({ connectionString: services.database.url });
      await client.connect();
      try {
        for (let offset = worker * 1_000; performance.now() < deadline; offset += 4_000) {
          await client.query(
            `INSERT INTO public.baseline_events (id, cdevent_id, type, source, subject, run_id, component, time, payload)
             SELECT id, c, t, s, sub, r, comp, tm, p FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
               $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[]) AS x(id, c, t, s, sub, r, comp, tm, p)`,
            columns(offset),
          );
          inserted += 1_000;
        }
      } finally {
        await client.end();
      }
    }),
  );
  const rate = inserted / (since(start) / 1_000);
  const cleanup = new Client({ connectionString: services.database.url });
  await cleanup.connect();
  await cleanup.query('DROP TABLE public.baseline_events');
  await cleanup.end();
  return rate;
}
