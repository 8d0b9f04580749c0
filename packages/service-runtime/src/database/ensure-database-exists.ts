import { Client, escapeIdentifier } from 'pg';

/** invalid_catalog_name: the database in the URL does not exist. */
const NO_SUCH_DATABASE = '3D000';
/** duplicate_database, and the unique index on pg_database that a concurrent CREATE DATABASE can hit first. */
const ALREADY_EXISTS = new Set(['42P04', '23505']);

/**
 * Creates the database named in `url` if it does not exist. Only when connecting to it fails with "does not
 * exist" does it connect to the `postgres` maintenance database on the same server (same credentials) and
 * CREATE DATABASE, so a user without access to `postgres` is fine once the database is there.
 * Safe when several processes race. Resolves to true when this call created it.
 */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error('ensureDatabaseExists: the database URL names no database');
  if (await canConnect(url)) return false;

  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    if (ALREADY_EXISTS.has(errorCode(error))) return false;
    throw error;
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (errorCode(error) === NO_SUCH_DATABASE) return false;
    throw error;
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
