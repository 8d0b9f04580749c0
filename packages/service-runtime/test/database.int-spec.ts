import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  DatabaseModule,
  ensureDatabaseExists,
  HealthModule,
  postgresCheck,
  runMigrations,
  serviceDataSourceOptions,
} from '../src';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = `service_runtime_test_${randomBytes(4).toString('hex')}`;
const databaseUrl = withDatabase(serverUrl, databaseName);

class CreateWidget1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified on purpose: search_path puts it in the service's schema.
    await queryRunner.query('CREATE TABLE widget (id serial PRIMARY KEY, name text NOT NULL)');
    // Long enough for a second instance to arrive while this one holds the lock.
    await queryRunner.query('SELECT pg_sleep(0.3)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widget');
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('database helpers against PostgreSQL', () => {
  const dataSources: DataSource[] = [];

  afterAll(async () => {
    await Promise.all(dataSources.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
    for (const name of [databaseName, `${databaseName}_nest`]) {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`));
    }
  });

  it('creates a missing database once, and is idempotent under repeats and races', async () => {
    expect(await ensureDatabaseExists(databaseUrl)).toBe(true);
    expect(await ensureDatabaseExists(databaseUrl)).toBe(false);
    await expect(Promise.all([ensureDatabaseExists(databaseUrl), ensureDatabaseExists(databaseUrl)])).resolves.toEqual([
      false,
      false,
    ]);

    const found = await onServer((client) =>
      client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]),
    );
    expect(found.rowCount).toBe(1);
  });

  it('creates a database raced by several processes exactly once, without errors', async () => {
    const racedName = `${databaseName}_race`;
    const racedUrl = withDatabase(serverUrl, racedName);
    try {
      const created = await Promise.all([1, 2, 3].map(() => ensureDatabaseExists(racedUrl)));
      expect(created.filter(Boolean)).toHaveLength(1);
    } finally {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(racedName)} WITH (FORCE)`));
    }
  });

  it('migrates the schema once when two instances start at the same time', async () => {
    const options = serviceDataSourceOptions({
      url: databaseUrl,
      schema: 'widgets',
      entities: [],
      migrations: [CreateWidget1700000000000],
    });
    const [first, second] = await Promise.all([
      new DataSource(options).initialize(),
      new DataSource(options).initialize(),
    ]);
    dataSources.push(first, second);

    const runs = await Promise.all([runMigrations(first), runMigrations(second)]);

    expect(runs.flat()).toEqual(['CreateWidget1700000000000']);
    const tables = await first.query<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'widgets' ORDER BY table_name`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(['migrations', 'widget']);
    await first.query(`INSERT INTO widget (name) VALUES ('w')`);
    expect(await second.query('SELECT name FROM widgets.widget')).toEqual([{ name: 'w' }]);

    expect(await runMigrations(first)).toEqual([]);
  });

  it('gives a Nest app a created, migrated database whose readiness check passes', async () => {
    const options = serviceDataSourceOptions({
      url: withDatabase(serverUrl, `${databaseName}_nest`),
      schema: 'widgets',
      entities: [],
      migrations: [CreateWidget1700000000000],
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRoot(options),
        HealthModule.forRoot({ inject: [DataSource], checks: (ds: DataSource) => [postgresCheck(ds)] }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication<INestApplication<Server>>({ logger: false });
    await app.init();
    try {
      const res = await request(app.getHttpServer()).get('/health/ready');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', checks: { postgres: 'ok' } });
      expect(await app.get(DataSource).query('SELECT count(*)::int AS n FROM widget')).toEqual([{ n: 0 }]);
    } finally {
      await app.close();
    }
  });
});
