import { Client } from 'pg';
import { postgres, type PostgresService } from '../src';

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('postgres()', () => {
  const created: PostgresService[] = [];

  afterAll(async () => {
    await Promise.all(created.map((db) => db.drop()));
  });

  it('gives each caller its own empty database and drops it even while connections are open', async () => {
    const first = await postgres();
    const second = await postgres();
    created.push(first, second);
    expect(first.database).not.toBe(second.database);
    expect(first.url).toContain(`/${first.database}`);

    const a = await connect(first.url);
    a.on('error', () => undefined); // the drop below ends this connection from the server side
    await a.query('CREATE TABLE runs (id text PRIMARY KEY)');
    await a.query(`INSERT INTO runs VALUES ('r1')`);
    expect((await a.query('SELECT current_database() AS db')).rows[0].db).toBe(first.database);

    const b = await connect(second.url);
    try {
      const { rows } = await b.query(`SELECT to_regclass('public.runs') AS runs`);
      expect(rows[0].runs).toBeNull();
    } finally {
      await b.end();
    }

    await first.drop();
    await first.drop(); // twice is fine

    await expect(connect(first.url)).rejects.toThrow(/does not exist/);
    await a.end().catch(() => undefined);
  });
});
