import type { Server } from 'node:http';
import { type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { HealthCheck } from './health-check';
import { HealthModule } from './health.module';

const KAFKA = Symbol('KAFKA');

/** Stands in for the event bus: the app hands its ping to the health module through DI. */
class FakeKafka {
  up = true;
  async ping(): Promise<void> {
    if (!this.up) throw new Error('broker 127.0.0.1:9092 unreachable');
  }
}

@Module({ providers: [{ provide: KAFKA, useClass: FakeKafka }], exports: [KAFKA] })
class FakeKafkaModule {}

describe(HealthModule.name, () => {
  let app: INestApplication<Server>;
  let kafka: FakeKafka;
  let postgres: () => Promise<void>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          imports: [FakeKafkaModule],
          inject: [KAFKA],
          checks: (bus: FakeKafka): HealthCheck[] => [
            { name: 'postgres', check: () => postgres() },
            { name: 'kafka', check: () => bus.ping() },
          ],
          timeoutMs: 100,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    kafka = moduleRef.get(KAFKA);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    kafka.up = true;
    postgres = async () => undefined;
  });

  it('is live while the process runs, whatever the checks say', async () => {
    kafka.up = false;

    const res = await request(app.getHttpServer()).get('/health/live');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } });
  });

  it('answers 503 with the failing check and its error', async () => {
    kafka.up = false;

    const res = await request(app.getHttpServer()).get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      checks: { postgres: 'ok', kafka: 'broker 127.0.0.1:9092 unreachable' },
    });
  });

  it('answers 503 when a check hangs past its timeout', async () => {
    postgres = () => new Promise<void>(() => undefined);
    const started = Date.now();

    const res = await request(app.getHttpServer()).get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ postgres: 'timed out after 100 ms', kafka: 'ok' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
