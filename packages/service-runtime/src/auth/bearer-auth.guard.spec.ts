import type { Server } from 'node:http';
import { Controller, Get, type INestApplication, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureServiceApp } from '../http/configure-service-app';
import { LoggingModule } from '../logging/logging.module';
import { AuthModule } from './auth.module';
import { BearerAuthGuard } from './bearer-auth.guard';
import { assertTeamAccess, CurrentCaller, type Caller } from './caller';
import { Public } from './public.decorator';
import { hashToken, TokenRegistry } from './token-file';

@Controller()
class ThingsController {
  @Get('whoami')
  whoami(@CurrentCaller() caller: Caller): Caller {
    return caller;
  }

  @Get('teams/a')
  teamA(@CurrentCaller() caller: Caller): { ok: true } {
    assertTeamAccess(caller, 'team-a');
    return { ok: true };
  }

  @Public()
  @Get('ping')
  ping(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

async function appWith(tokens: TokenRegistry | undefined) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      LoggingModule.forRoot({
        serviceName: 'test',
        level: 'silent',
      }),
      AuthModule.forRoot({ tokens, variable: 'PIPEWRIGHT_TOKENS_FILE' }),
      ThingsModule,
    ],
  }).compile();
  const app = configureServiceApp(moduleRef.createNestApplication<INestApplication<Server>>());
  await app.init();
  return app;
}

describe(BearerAuthGuard.name, () => {
  const tokens = new TokenRegistry([
    { name: 'bob', sha256: hashToken('bob-token'), teams: ['team-b'], admin: false },
    { name: 'ops', sha256: hashToken('ops-token'), teams: [], admin: true },
  ]);

  describe('with tokens configured', () => {
    let app: INestApplication<Server>;
    beforeAll(async () => {
      app = await appWith(tokens);
    });
    afterAll(() => app.close());

    it('answers 401 problems without a token, with a malformed header, or with an unknown token', async () => {
      for (const authorization of [undefined, 'Basic Ym9iOng=', 'Bearer not-a-token']) {
        const req = request(app.getHttpServer()).get('/whoami');
        const res = await (authorization === undefined ? req : req.set('authorization', authorization));
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ code: 'auth.unauthorized' });
      }
    });

    it("lets a known token through as its entry's name and teams", async () => {
      const res = await request(app.getHttpServer()).get('/whoami').set('authorization', 'Bearer bob-token');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'token', name: 'bob', teams: ['team-b'], admin: false });
    });

    it("answers 403 for another team's things, and lets an admin in", async () => {
      const bob = await request(app.getHttpServer()).get('/teams/a').set('authorization', 'Bearer bob-token');
      expect(bob.status).toBe(403);
      expect(bob.body).toMatchObject({ code: 'auth.forbidden', details: { caller: 'bob', team: 'team-a' } });
      const ops = await request(app.getHttpServer()).get('/teams/a').set('authorization', 'bearer ops-token');
      expect(ops.status).toBe(200);
    });

    it('lets public routes through without a token', async () => {
      expect((await request(app.getHttpServer()).get('/ping')).status).toBe(200);
    });
  });

  describe('without tokens', () => {
    it('lets everybody in as the open caller and warns at start that the API is open', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const app = await appWith(undefined);
      try {
        const res = await request(app.getHttpServer()).get('/teams/a');
        expect(res.status).toBe(200);
        expect(warn).toHaveBeenCalledWith(
          { variable: 'PIPEWRIGHT_TOKENS_FILE' },
          expect.stringContaining('PIPEWRIGHT_TOKENS_FILE is not set: the HTTP API is open'),
        );
      } finally {
        warn.mockRestore();
        await app.close();
      }
    });
  });
});
