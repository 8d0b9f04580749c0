import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dockerAvailable, type DockerProbe } from './docker';
import { databaseUrlFromEnv, type Env } from './env';
import { TestServiceUnavailableError } from './errors';

export interface PostgresService {
  /** Connection URL of a database created for this caller alone. */
  url: string;
  /** Its name, `pw_test_<epoch ms>_<random>`. */
  database: string;
  /** Ends every connection to the database and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

export interface PostgresSources {
  env: Env;
  dockerAvailable: DockerProbe;
  /** Starts a container and returns an admin connection URL to it. */
  startContainer: () => Promise<string>;
}

const POSTGRES_IMAGE = 'postgres:17-alpine';
const DATABASE_PREFIX = 'pw_test_';
/** Test databases older than this were left by a crashed run and are dropped on the next one. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export const postgresUnavailableMessage =
  'No PostgreSQL for this test: DATABASE_URL is not set and no Docker engine is reachable for testcontainers. ' +
  'Either run the tests with DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (an admin connection; ' +
  'each test file gets its own new database), or run them through `npm test` at the repository root, which ' +
  'sets it when PostgreSQL answers on 127.0.0.1:5432.';

/** Picks the admin connection URL: `DATABASE_URL`, else a testcontainer when Docker is reachable, else a clear error. */
export async function resolvePostgresAdminUrl(sources: PostgresSources): Promise<URL> {
  const url = databaseUrlFromEnv(sources.env);
  if (url) return url;
  if (await sources.dockerAvailable()) return new URL(await sources.startContainer());
  throw new TestServiceUnavailableError(postgresUnavailableMessage);
}

/** The same server and credentials, another database. */
export function databaseUrl(adminUrl: URL, database: string): string {
  const url = new URL(adminUrl.href);
  url.pathname = `/${database}`;
  return url.href;
}

export function testDatabaseName(now = Date.now()): string {
  return `${DATABASE_PREFIX}${now}_${randomBytes(4).toString('hex')}`;
}

/** The creation time encoded in a test database's name, if it is one. */
export function testDatabaseCreatedAt(name: string): number | undefined {
  const match = new RegExp(`^${DATABASE_PREFIX}(\\d{13})_[0-9a-f]+$`).exec(name);
  return match?.[1] ? Number(match[1]) : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withAdmin<T>(adminUrl: URL, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl.href });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(client: Client, name: string): Promise<void> {
  await client.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  // WITH (FORCE) (PostgreSQL 13+) also ends connections that arrive between the two statements.
  const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  const force = Number(rows[0]?.server_version_num) >= 130000 ? ' WITH (FORCE)' : '';
  await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${force}`);
}

async function dropStaleDatabases(client: Client, now: number): Promise<void> {
  const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
    `${DATABASE_PREFIX}%`,
  ]);
  for (const { datname } of rows) {
    const createdAt = testDatabaseCreatedAt(datname);
    if (createdAt !== undefined && now - createdAt > STALE_AFTER_MS) {
      await dropDatabase(client, datname).catch(() => undefined);
    }
  }
}

/** Creates a fresh database on the server behind `adminUrl`. */
export async function createTestDatabase(adminUrl: URL): Promise<PostgresService> {
  const now = Date.now();
  const database = testDatabaseName(now);
  await withAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    await dropStaleDatabases(client, now);
  });
  return {
    url: databaseUrl(adminUrl, database),
    database,
    drop: () => withAdmin(adminUrl, (client) => dropDatabase(client, database)),
  };
}

async function startPostgresContainer(): Promise<string> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
  return container.getConnectionUri();
}

let adminUrl: Promise<URL> | undefined;

/**
 * A new, empty PostgreSQL database for the calling test file, so test runs never see each other's
 * data. Call it once in `beforeAll` and `drop()` it in `afterAll`. The server comes from
 * `DATABASE_URL` (used as the admin connection) or a testcontainer (one per process).
 */
export async function postgres(): Promise<PostgresService> {
  adminUrl ??= resolvePostgresAdminUrl({ env: process.env, dockerAvailable, startContainer: startPostgresContainer });
  return createTestDatabase(await adminUrl);
}
