import type { Server } from 'node:http';
import { Controller, Get, type INestApplication, Module, NotFoundException, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { z } from 'zod';
import { configureServiceApp } from '../http/configure-service-app';
import { ZodBody, ZodQuery } from '../http/zod-validation.pipe';
import { LoggingModule } from '../logging/logging.module';
import { DomainError } from './domain-error';
import { ProblemDetailsFilter } from './problem-details.filter';

class RunNotFound extends DomainError {
  constructor(runId: string) {
    super('run.not_found', `Run ${runId} does not exist`, { details: { runId } });
  }
}
class RunStillRunning extends DomainError {
  constructor() {
    super('run.still_running', 'The run has not finished yet');
  }
}
class UnmappedRule extends DomainError {
  constructor() {
    super('run.strange_rule', 'A rule nobody mapped');
  }
}

const startRun = z.object({ pipeline: z.string().min(1), stages: z.array(z.object({ name: z.string() })) });

@Controller('runs')
class RunsController {
  @Get('missing')
  missing(): never {
    throw new RunNotFound('r-1');
  }

  @Get('running')
  running(): never {
    throw new RunStillRunning();
  }

  @Get('unmapped')
  unmapped(): never {
    throw new UnmappedRule();
  }

  @Get('crash')
  crash(): never {
    throw new Error('connect ECONNREFUSED postgres://admin:hunter2@10.0.0.7/engine');
  }

  @Get('nest')
  nest(): never {
    throw new NotFoundException('No such thing');
  }

  @Get()
  list(@ZodQuery(z.object({ limit: z.coerce.number().int().max(100) })) query: { limit: number }) {
    return query;
  }

  @Post()
  start(@ZodBody(startRun) body: z.infer<typeof startRun>) {
    return { accepted: body.pipeline };
  }
}

@Module({ controllers: [RunsController] })
class RunsModule {}

describe(ProblemDetailsFilter.name, () => {
  let app: INestApplication<Server>;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot({
          serviceName: 'test',
          level: 'error',
          destination: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
        }),
        RunsModule,
      ],
    }).compile();
    app = configureServiceApp(moduleRef.createNestApplication(), { errorStatuses: { 'run.still_running': 409 } });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    logs.length = 0;
  });

  it('answers a domain error with the status its code suffix implies, as application/problem+json', async () => {
    const res = await request(app.getHttpServer()).get('/runs/missing');

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:pipewright:problem:run.not_found',
      title: 'Not Found',
      status: 404,
      code: 'run.not_found',
      message: 'Run r-1 does not exist',
      details: { runId: 'r-1' },
    });
  });

  it('uses the status the app registered for a code', async () => {
    const res = await request(app.getHttpServer()).get('/runs/running');

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'run.still_running', message: 'The run has not finished yet' });
  });

  it('answers a domain error with no registered status as 500 and logs the missing mapping', async () => {
    const res = await request(app.getHttpServer()).get('/runs/unmapped');

    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'run.strange_rule' });
    expect(logs.map((log) => log.msg)).toContain("no HTTP status registered for domain error code 'run.strange_rule'");
  });

  it('lists every invalid body field with its path and message', async () => {
    const res = await request(app.getHttpServer())
      .post('/runs')
      .send({ pipeline: '', stages: [{ name: 'build' }, { name: 7 }] });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
    expect(res.body.details).toEqual([
      { path: 'pipeline', message: expect.stringMatching(/>=1 characters/) },
      { path: 'stages.1.name', message: expect.stringMatching(/expected string/) },
    ]);
    expect(res.body.message).toMatch(/^Invalid request body: pipeline: .*; stages\.1\.name: /);
  });

  it('passes a valid body through, parsed', async () => {
    const res = await request(app.getHttpServer()).post('/runs').send({ pipeline: 'p', stages: [] });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: 'p' });
  });

  it('validates query parameters too', async () => {
    const ok = await request(app.getHttpServer()).get('/runs?limit=5');
    const bad = await request(app.getHttpServer()).get('/runs?limit=500');

    expect(ok.body).toEqual({ limit: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Invalid query parameters: limit: /);
    expect(bad.body.details[0].path).toBe('limit');
  });

  it('answers malformed JSON with a 400 problem, not a 500', async () => {
    const res = await request(app.getHttpServer())
      .post('/runs')
      .set('content-type', 'application/json')
      .send('{"pipeline": ');

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'request.malformed_json', status: 400 });
    expect(logs).toHaveLength(0);
  });

  it('keeps the status and message of a Nest HttpException', async () => {
    const res = await request(app.getHttpServer()).get('/runs/nest');

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'http.not_found', message: 'No such thing' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await request(app.getHttpServer()).get('/nowhere');

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'http.not_found', message: 'Cannot GET /nowhere' });
  });

  it('answers an unexpected error with a bare 500 and logs what happened', async () => {
    const res = await request(app.getHttpServer()).get('/runs/crash');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: 'urn:pipewright:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      code: 'internal',
      message: 'Internal server error',
    });
    expect(res.text).not.toMatch(/hunter2|ECONNREFUSED|at /);
    const log = logs.find((entry) => entry.msg === 'unhandled error');
    expect(log).toMatchObject({ level: 'error', service: 'test', method: 'GET', url: '/runs/crash', status: 500 });
    expect((log?.err as { message: string }).message).toContain('ECONNREFUSED');
  });
});
