import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureServiceApp, hashToken, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { envSchema } from '../../src/config/env';
import { Peers } from './peers';

/** The engine booted in this process (as main.ts does, without listening), against the given database and topics. */
export async function startEngineApp(env: Record<string, string>): Promise<INestApplication> {
  const config = parseConfig(envSchema, { LOG_LEVEL: 'warn', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureServiceApp(moduleRef.createNestApplication());
  await app.init();
  return app;
}

/** A bearer token the engine of a testbed accepts (written to its `PIPEWRIGHT_TOKENS_FILE`). */
export interface TestToken {
  name: string;
  token: string;
  teams?: string[];
  admin?: boolean;
}

/**
 * What tests of the engine booted in this process share: a database and topic prefix of their own, the
 * engine's peers, and task workspaces, all cleaned up by `close`.
 */
export class EngineAppTestbed {
  private readonly workspaces: string[] = [];

  private constructor(
    readonly app: INestApplication,
    readonly db: PostgresService,
    readonly peers: Peers,
  ) {}

  /** Boots the engine with its own database and topics, plus `env`; with `tokens`, only they are let in. */
  static async open(env: Record<string, string> = {}, tokens: readonly TestToken[] = []): Promise<EngineAppTestbed> {
    const [{ brokers }, db] = await Promise.all([kafka(), postgres()]);
    const prefix = topicPrefix();
    const tokensDir = tokens.length > 0 ? await mkdtemp(join(tmpdir(), 'engine-tokens-')) : undefined;
    if (tokensDir) await writeFile(join(tokensDir, 'tokens.yml'), tokensFile(tokens));
    const app = await startEngineApp({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      ...(tokensDir ? { PIPEWRIGHT_TOKENS_FILE: join(tokensDir, 'tokens.yml') } : {}),
      ...env,
    });
    const bed = new EngineAppTestbed(app, db, await Peers.open(brokers, prefix));
    if (tokensDir) bed.workspaces.push(tokensDir);
    return bed;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  http() {
    return request(this.app.getHttpServer() as Server);
  }

  /** A new empty directory to run a pipeline in. */
  async workspace(prefix: string): Promise<string> {
    const workspace = await mkdtemp(join(tmpdir(), prefix));
    this.workspaces.push(workspace);
    return workspace;
  }

  async close(): Promise<void> {
    await this.peers.close();
    await this.app.close();
    await this.db.drop();
    await Promise.all(this.workspaces.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

function tokensFile(tokens: readonly TestToken[]): string {
  const entries = tokens.map(({ name, token, teams, admin }) => {
    const scope = admin ? 'admin: true' : `teams: [${(teams ?? []).join(', ')}]`;
    return `  - { name: ${name}, sha256: ${hashToken(token)}, ${scope} }\n`;
  });
  return `tokens:\n${entries.join('')}`;
}
