import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  EnvironmentCreated,
  EnvironmentDeleted,
  newCDEvent,
  type CostTags,
} from '@pipewright/contracts';
import { EventBus } from '@pipewright/event-bus';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { envSchema } from '../src/config/env';
import type { CostReport } from '../src/costs/cost-report.service';
import { loadPriceCatalog } from '../src/prices/price-catalog';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
/** Every lifetime in this file is placed relative to one instant, so windows cut them exactly. */
const anchor = Date.now();

interface ResourceSpec {
  id: string;
  type: string;
  size: string;
  startedAt: Date;
  endedAt: Date;
}

function tagsFor(team: string, size: string): CostTags {
  return { service: 'shop-api', team, solution: 'shop', environment: 'test', size };
}

function created(environmentId: string, runId: string, team: string, resources: ResourceSpec[]) {
  return newCDEvent(
    ENVIRONMENT_CREATED,
    '/test',
    { id: environmentId, content: { name: 'test' } },
    {
      runId,
      component: 'shop-api',
      driver: 'local-process',
      lifetime: 'ephemeral' as const,
      tags: tagsFor(team, 'small'),
      resources: resources.map((r) => ({
        id: r.id,
        type: r.type,
        size: r.size,
        startedAt: r.startedAt.toISOString(),
        tags: tagsFor(team, r.size),
      })),
    },
  );
}

function deleted(environmentId: string, runId: string, team: string, resources: ResourceSpec[]) {
  const deletedAt = new Date(Math.max(...resources.map((r) => r.endedAt.getTime())));
  return newCDEvent(
    ENVIRONMENT_DELETED,
    '/test',
    { id: environmentId, content: { name: 'test' } },
    {
      runId,
      component: 'shop-api',
      driver: 'local-process',
      lifetime: 'ephemeral' as const,
      tags: tagsFor(team, 'small'),
      deletedAt: deletedAt.toISOString(),
      resources: resources.map((r) => ({ id: r.id, endedAt: r.endedAt.toISOString() })),
    },
  );
}

describe('cost-reporter', () => {
  let app: INestApplication;
  let db: PostgresService;
  let bus: EventBus;
  const server = () => app.getHttpServer() as Server;

  beforeAll(async () => {
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    const config = parseConfig(envSchema, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix(),
      LOG_LEVEL: 'warn',
    });
    const catalog = await loadPriceCatalog(config.COST_PRICE_CATALOG);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, catalog)] }).compile();
    app = configureServiceApp(moduleRef.createNestApplication());
    await app.init();
    bus = app.get(EventBus);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function costsBy(groupBy: string): Promise<CostReport> {
    const response = await request(server()).get('/costs').query({ groupBy }).expect(200);
    return response.body as CostReport;
  }

  it('prices a resource from its creation to its deletion, per team', async () => {
    const end = new Date(anchor - HOUR);
    const resource = {
      id: 'process-1',
      type: 'process',
      size: 'small',
      startedAt: new Date(end.getTime() - 2 * HOUR),
      endedAt: end,
    };
    const environmentId = uniqueId('env-');
    const runId = uniqueId('run-');

    await bus.publishDirect(EnvironmentCreated, created(environmentId, runId, 'team-a', [resource]));
    await bus.publishDirect(EnvironmentDeleted, deleted(environmentId, runId, 'team-a', [resource]));

    // Until the deletion is in, the resource is open and costs more than 2 hours.
    const report = await waitFor(
      async () => {
        const body = await costsBy('team');
        return body.items.find((item) => item.key === 'team-a')?.resourceHours === 2 ? body : null;
      },
      { timeoutMs: 30_000, description: "team-a's 2 resource hours in GET /costs" },
    );
    expect(report.currency).toBe('USD');
    expect(report.groupBy).toBe('team');
    expect(report.items.find((item) => item.key === 'team-a')).toEqual({ key: 'team-a', cost: 0.1, resourceHours: 2 }); // 2 h x 0.05
  });

  it('converges when the deletion arrives before the creation, and lists what it cannot price', async () => {
    const end = new Date(anchor - HOUR);
    const start = new Date(end.getTime() - 3 * HOUR);
    const resources = [
      { id: 'process-1', type: 'process', size: 'medium', startedAt: start, endedAt: end },
      { id: 'db-1', type: 'postgres', size: 'small', startedAt: start, endedAt: end },
    ];
    const environmentId = uniqueId('env-');
    const runId = uniqueId('run-');

    await bus.publishDirect(EnvironmentDeleted, deleted(environmentId, runId, 'team-b', resources));
    await bus.publishDirect(EnvironmentCreated, created(environmentId, runId, 'team-b', resources));

    const report = await waitFor(
      async () => {
        const body = await costsBy('team');
        return body.items.some((item) => item.key === 'team-b') ? body : null;
      },
      { timeoutMs: 30_000, description: 'team-b in GET /costs' },
    );
    expect(report.items.find((item) => item.key === 'team-b')).toEqual({ key: 'team-b', cost: 0.6, resourceHours: 3 }); // 3 h x 0.20
    expect(report.unpriced).toEqual([
      { key: 'team-b', environmentId, resourceId: 'db-1', type: 'postgres', size: 'small', resourceHours: 3 },
    ]);
  });

  it('clips lifetimes to the window asked for', async () => {
    await waitFor(async () => (await costsBy('team')).items.length === 2, { description: 'both teams in GET /costs' });
    const response = await request(server())
      .get('/costs')
      .query({
        groupBy: 'service',
        from: new Date(anchor - 2.5 * HOUR).toISOString(),
        to: new Date(anchor).toISOString(),
      })
      .expect(200);

    // team-a: 1.5 h of small (0.075); team-b: 1.5 h of medium (0.30); one service.
    expect((response.body as CostReport).items).toEqual([{ key: 'shop-api', cost: 0.375, resourceHours: 3 }]);
  });

  it('answers a bad groupBy with a 400 problem naming the parameter', async () => {
    const response = await request(server()).get('/costs').query({ groupBy: 'colour' }).expect(400);

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'request.invalid', details: [{ path: 'groupBy' }] });
    expect(response.body.message).toMatch(/groupBy: must be one of service, team, solution, environment/);
  });

  it('is ready when Postgres and Kafka answer', async () => {
    const response = await request(server()).get('/health/ready').expect(200);

    expect(response.body).toEqual({ status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } });
  });
});
