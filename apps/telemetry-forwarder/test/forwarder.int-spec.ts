import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  LogLines,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PipelineRunFinished,
  TASK_RUN_FINISHED,
  TaskRunFinished,
  type LogLine,
} from '@pipewright/contracts';
import { EventBus } from '@pipewright/event-bus';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { envSchema } from '../src/config/env';

jest.setTimeout(90_000);

interface NdjsonRecord {
  taskRunId: string;
  seq: number;
  stream: string;
  text: string;
  component: string;
  team: string;
}

/** `name{a="x",b="y"} 3` -> 3, for the sample whose labels include every given one. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('telemetry-forwarder', () => {
  let app: INestApplication;
  let db: PostgresService;
  let dir: string;
  let ndjsonPath: string;
  let bus: EventBus;

  beforeAll(async () => {
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    dir = await mkdtemp(join(tmpdir(), 'forwarder-int-'));
    ndjsonPath = join(dir, 'logs.ndjson');
    const config = parseConfig(envSchema, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix(),
      FORWARDER_NDJSON_PATH: ndjsonPath,
      FORWARDER_SINKS: 'ndjson,prometheus',
      LOG_LEVEL: 'warn',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = configureServiceApp(moduleRef.createNestApplication());
    await app.init();
    bus = app.get(EventBus);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const server = () => app.getHttpServer() as Server;

  async function recordsOf(taskRunId: string): Promise<NdjsonRecord[]> {
    const text = await readFile(ndjsonPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as NdjsonRecord)
      .filter((record) => record.taskRunId === taskRunId);
  }

  const line = (seq: number, stream: LogLine['stream'] = 'stdout'): LogLine => ({
    seq,
    time: new Date(Date.UTC(2026, 10, 22, 10, 0, seq)).toISOString(),
    stream,
    text: `line ${seq}`,
  });

  it('writes log lines to the NDJSON file once, and exposes run metrics to Prometheus', async () => {
    const runId = uniqueId('run-');
    const taskRunId = uniqueId('task-run-');
    const component = uniqueId('shop-');
    const batch = (lines: LogLine[]): LogLines => ({
      runId,
      taskRunId,
      taskName: 'unit-tests',
      stage: 'build',
      component,
      team: 'team-a',
      lines,
    });

    await bus.publishDirect(LogLines, batch([line(1), line(2, 'stderr'), line(3)]));
    await bus.publishDirect(
      TaskRunFinished,
      newCDEvent(
        TASK_RUN_FINISHED,
        '/test',
        { id: taskRunId, content: { taskName: 'unit-tests', pipelineRun: { id: runId }, outcome: 'success' as const } },
        { component, stage: 'build', attempt: 1, exitCode: 0, startedAt: new Date().toISOString(), durationMs: 4_200 },
      ),
    );
    await bus.publishDirect(
      PipelineRunFinished,
      newCDEvent(
        PIPELINE_RUN_FINISHED,
        '/test',
        { id: runId, content: { pipelineName: 'ci', outcome: 'failure' as const } },
        { component, team: 'team-a', solution: 'web', durationMs: 9_000 },
      ),
    );

    const first = await waitFor(async () => ((await recordsOf(taskRunId)).length === 3 ? recordsOf(taskRunId) : null), {
      timeoutMs: 30_000,
      description: 'three log lines in the NDJSON file',
    });
    expect(first.map((r) => [r.seq, r.stream, r.text])).toEqual([
      [1, 'stdout', 'line 1'],
      [2, 'stderr', 'line 2'],
      [3, 'stdout', 'line 3'],
    ]);
    expect(first[0]).toMatchObject({ component, team: 'team-a', taskRunId });

    // The same batch again (a producer retry publishes it under a new id), then one overlapping the end.
    await bus.publishDirect(LogLines, batch([line(1), line(2, 'stderr'), line(3)]));
    await bus.publishDirect(LogLines, batch([line(3), line(4), line(5, 'stderr')]));
    // One task run's batches share a partition, so once line 5 is in, both were handled.
    await waitFor(async () => (await recordsOf(taskRunId)).some((r) => r.seq === 5), {
      timeoutMs: 30_000,
      description: 'line 5 in the NDJSON file',
    });
    expect((await recordsOf(taskRunId)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    const metrics = await waitFor(
      async () => {
        const response = await request(server()).get('/metrics').expect(200);
        return sample(response.text, 'pipewright_pipeline_runs_total', { component }) === 1 ? response : null;
      },
      { timeoutMs: 30_000, description: 'the finished runs on /metrics' },
    );
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.text;
    expect(sample(text, 'pipewright_log_lines_total', { component, stream: 'stdout' })).toBe(3);
    expect(sample(text, 'pipewright_log_lines_total', { component, stream: 'stderr' })).toBe(2);
    expect(sample(text, 'pipewright_task_runs_total', { component, outcome: 'success' })).toBe(1);
    expect(sample(text, 'pipewright_pipeline_runs_total', { component, outcome: 'failure' })).toBe(1);
    expect(sample(text, 'pipewright_task_run_duration_seconds_count', { component })).toBe(1);
    expect(sample(text, 'pipewright_task_run_duration_seconds_sum', { component })).toBe(4.2);
    expect(sample(text, 'pipewright_task_run_duration_seconds_bucket', { component, le: '5' })).toBe(1);
  });

  it('is ready when Postgres and Kafka answer', async () => {
    const response = await request(server()).get('/health/ready').expect(200);

    expect(response.body).toEqual({ status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } });
  });
});
