import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DestroyEnvironment,
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  ENVIRONMENT_FAILED,
  ProvisionEnvironment,
  Topics,
  type EnvironmentCreated,
  type EnvironmentDeleted,
  type EnvironmentFailed,
} from '@pipewright/contracts';
import { EventBus, EventTap, type TappedMessage } from '@pipewright/event-bus';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { envSchema } from '../src/config/env';

jest.setTimeout(60_000);

/** A web server on $PORT answering 200 on /health. */
const server = `'${process.execPath}' -e "require('http').createServer((q, s) => { s.statusCode = q.url === '/health' ? 200 : 404; s.end('ok'); }).listen(Number(process.env.PORT), '127.0.0.1')"`;

describe('environment-provisioner with Kafka and Postgres', () => {
  let db: PostgresService;
  let brokers: string[];
  let logDir: string;
  let app: INestApplication | undefined;
  let bus: EventBus;
  let tap: EventTap;
  /** Every process the tests started, killed at the end whatever happened. */
  const pids: number[] = [];

  async function startApp(): Promise<INestApplication> {
    const config = parseConfig(envSchema, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix(),
      LOG_LEVEL: 'warn',
      PROVISIONER_LOG_DIR: logDir,
      PROVISIONER_STOP_GRACE_SECONDS: '2',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    const started = configureServiceApp(moduleRef.createNestApplication({ logger: false }));
    await started.init();
    return started;
  }

  beforeAll(async () => {
    [db, { brokers }] = await Promise.all([postgres(), kafka()]);
    logDir = await mkdtemp(join(tmpdir(), 'provisioner-int-'));
    app = await startApp();
    bus = new EventBus({ brokers, service: 'pipeline-engine', topicPrefix: topicPrefix() });
    await bus.connect();
    tap = await EventTap.open(bus, [Topics.cdevents]);
  });

  afterAll(async () => {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
    await tap?.close();
    await bus?.disconnect();
    await app?.close();
    await db?.drop();
    await rm(logDir, { recursive: true, force: true });
  });

  function http() {
    return request(app!.getHttpServer() as Server);
  }

  function provisionCommand(
    fields: Partial<ProvisionEnvironment> = {},
    spec: Partial<ProvisionEnvironment['spec']> = {},
  ) {
    return {
      environmentId: uniqueId('env-'),
      runId: randomUUID(),
      name: 'checkout-test',
      lifetime: 'ephemeral' as const,
      component: 'checkout',
      team: 'payments',
      solution: 'shop',
      size: 'small',
      ...fields,
      spec: {
        driver: 'local-process' as const,
        command: server,
        healthPath: '/health',
        readyTimeoutSeconds: 20,
        env: {},
        ...spec,
      },
    };
  }

  function eventFor<T>(type: string, environmentId: string): Promise<TappedMessage & { data: T }> {
    return tap.waitFor((m) => m.attributes?.type === type && m.attributes.subject === environmentId, {
      timeoutMs: 30_000,
      description: `${type} for ${environmentId}`,
    }) as Promise<TappedMessage & { data: T }>;
  }

  /** Resolves once the provisioner has handled the command with this CloudEvents id (handlers that emit nothing). */
  async function handled(messageId: string): Promise<void> {
    const dataSource = app!.get(DataSource);
    await waitFor(
      async () =>
        (await dataSource.query<unknown[]>('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]))
          .length > 0,
      { timeoutMs: 30_000, description: `command ${messageId} to be handled` },
    );
  }

  function pidOf(created: EnvironmentCreated): number {
    const pid = created.customData.resources[0]?.details?.pid;
    if (typeof pid !== 'number') throw new Error('EnvironmentCreated carries no pid');
    pids.push(pid);
    return pid;
  }

  function isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  it('provisions a process that answers on its url, and destroys it on request', async () => {
    const command = provisionCommand();
    await bus.publishDirect(ProvisionEnvironment, command);

    const { data: created } = await eventFor<EnvironmentCreated>(ENVIRONMENT_CREATED, command.environmentId);
    const pid = pidOf(created);
    expect(created.customData).toMatchObject({
      runId: command.runId,
      component: 'checkout',
      driver: 'local-process',
      lifetime: 'ephemeral',
      tags: { service: 'checkout', team: 'payments', solution: 'shop', environment: 'checkout-test', size: 'small' },
    });
    const health = await fetch(`${created.subject.content.url}/health`);
    expect(health.status).toBe(200);

    const shown = await http().get(`/environments/${command.environmentId}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'ready', url: created.subject.content.url, runId: command.runId });
    expect(shown.body.resources).toEqual([
      expect.objectContaining({ type: 'process', details: expect.objectContaining({ pid }), endedAt: null }),
    ]);

    await bus.publishDirect(DestroyEnvironment, {
      environmentId: command.environmentId,
      runId: command.runId,
      reason: 'run finished',
    });

    const { data: deleted } = await eventFor<EnvironmentDeleted>(ENVIRONMENT_DELETED, command.environmentId);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(deleted.customData.resources).toEqual([
      { id: created.customData.resources[0]!.id, endedAt: deleted.customData.deletedAt },
    ]);
    const listed = await http().get(`/environments?runId=${command.runId}`).expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: command.environmentId,
        status: 'deleted',
        deletedAt: deleted.customData.deletedAt,
      }),
    ]);
  });

  it('treats destroying a deleted or unknown environment as done', async () => {
    const command = provisionCommand();
    await bus.publishDirect(ProvisionEnvironment, command);
    pidOf((await eventFor<EnvironmentCreated>(ENVIRONMENT_CREATED, command.environmentId)).data);
    const destroy = { environmentId: command.environmentId, runId: command.runId, reason: 'run finished' };
    await bus.publishDirect(DestroyEnvironment, destroy);
    await eventFor(ENVIRONMENT_DELETED, command.environmentId);

    const again = await bus.publishDirect(DestroyEnvironment, destroy);
    const unknown = await bus.publishDirect(DestroyEnvironment, { environmentId: 'no-such-env', reason: 'cleanup' });
    await handled(again);
    await handled(unknown);

    const outbox = await app!
      .get(DataSource)
      .query<{ type: string }[]>('SELECT type FROM outbox WHERE subject = ANY($1)', [
        [command.environmentId, 'no-such-env'],
      ]);
    expect(outbox.map((row) => row.type).sort()).toEqual([ENVIRONMENT_CREATED, ENVIRONMENT_DELETED]);
  });

  it('fails an environment that never becomes healthy and leaves no process behind', async () => {
    const command = provisionCommand({}, { command: 'echo booting; sleep 60', readyTimeoutSeconds: 1 });
    await bus.publishDirect(ProvisionEnvironment, command);

    const { data: failed } = await eventFor<EnvironmentFailed>(ENVIRONMENT_FAILED, command.environmentId);
    expect(failed.subject.content.reason).toMatch(
      /^health check http:\/\/127\.0\.0\.1:\d+\/health did not answer 2xx within 1 s \(.*\); process output: booting$/,
    );
    const shown = await http().get(`/environments/${command.environmentId}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'failed', failureReason: failed.subject.content.reason });
    const [resource] = shown.body.resources as { details: { pid: number }; endedAt: string | null }[];
    pids.push(resource!.details.pid);
    expect(resource!.endedAt).not.toBeNull();
    expect(isRunning(resource!.details.pid)).toBe(false);
  });

  it('starts one process for a provision command that arrives twice under different event ids', async () => {
    const marker = join(logDir, `${uniqueId('starts-')}.txt`);
    const command = provisionCommand({}, { command: `echo started >> '${marker}'; exec ${server}` });

    await bus.publishDirect(ProvisionEnvironment, command);
    const second = await bus.publishDirect(ProvisionEnvironment, command);

    pidOf((await eventFor<EnvironmentCreated>(ENVIRONMENT_CREATED, command.environmentId)).data);
    await handled(second);
    expect(await readFile(marker, 'utf8')).toBe('started\n');
    const shown = await http().get(`/environments/${command.environmentId}`).expect(200);
    expect(shown.body.resources).toHaveLength(1);
    const announced = await app!
      .get(DataSource)
      .query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox WHERE subject = $1', [command.environmentId]);
    expect(announced[0]!.n).toBe(1);
  });

  it('answers 404 for an unknown environment and 400 naming a bad query parameter', async () => {
    const missing = await http().get('/environments/no-such-env').expect(404);
    expect(missing.body).toMatchObject({ code: 'environment.not_found' });

    const bad = await http().get('/environments?limit=0').expect(400);
    expect(bad.body).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path: 'limit' })] });
  });

  it('keeps environments running across a restart, and fails those that died meanwhile', async () => {
    const survivor = provisionCommand({ lifetime: 'long-lived' });
    const casualty = provisionCommand({ lifetime: 'long-lived' });
    await bus.publishDirect(ProvisionEnvironment, survivor);
    await bus.publishDirect(ProvisionEnvironment, casualty);
    const survivorPid = pidOf((await eventFor<EnvironmentCreated>(ENVIRONMENT_CREATED, survivor.environmentId)).data);
    const casualtyPid = pidOf((await eventFor<EnvironmentCreated>(ENVIRONMENT_CREATED, casualty.environmentId)).data);

    await app!.close();
    app = undefined;
    expect(isRunning(survivorPid)).toBe(true);
    process.kill(-casualtyPid, 'SIGKILL');
    await waitFor(() => !isRunning(casualtyPid), { description: 'the casualty to die' });
    app = await startApp();

    const { data: failed } = await eventFor<EnvironmentFailed>(ENVIRONMENT_FAILED, casualty.environmentId);
    expect(failed.subject.content.reason).toMatch(/^found at start-up that process [0-9a-f-]+ no longer runs$/);
    const shown = await http().get(`/environments/${survivor.environmentId}`).expect(200);
    expect(shown.body.status).toBe('ready');
    expect(isRunning(survivorPid)).toBe(true);
  });
});
