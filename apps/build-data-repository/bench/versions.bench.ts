import { Client } from 'pg';
import { benchServices, startBenchApp, type BenchServices } from './support/bench-app';
import { log, round, since } from './support/stats';

const CLIENTS = 50;

/**
 * `versions`: 50 concurrent HTTP clients allocating 200 versions each for the same component through
 * `POST /components/:name/versions`; then every version is checked: none twice, none skipped, each announced.
 * Baseline: the same number of bare counter increments (`UPDATE ... RETURNING`, one per transaction)
 * from 50 connections: the ceiling a single hot counter row allows.
 */
export async function versionsBench(): Promise<string> {
  // Fewer only for the smoke test that keeps the bench running (benches.int-spec.ts).
  const allocationsPerClient = Number(process.env.BENCH_VERSIONS_PER_CLIENT ?? 200);
  const services = await benchServices();
  try {
    const app = await startBenchApp(services);
    try {
      const baseline = await counterBaseline(services, allocationsPerClient);
      log(`versions: baseline ${Math.round(baseline)} increments/s`);
      const component = 'bench-component';
      const put = await fetch(`${app.baseUrl}/components/${component}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team: 'bench', solution: 'bench', versionScheme: 'counter' }),
      });
      if (put.status !== 201) throw new Error(`creating the component answered ${put.status}`);

      const start = performance.now();
      const perClient = await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const versions: number[] = [];
          for (let i = 0; i < allocationsPerClient; i++) {
            const response = await fetch(`${app.baseUrl}/components/${component}/versions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ revision: 'c0ffee' }),
            });
            if (response.status !== 201) throw new Error(`allocation answered ${response.status}`);
            versions.push(Number(((await response.json()) as { version: string }).version));
          }
          return versions;
        }),
      );
      const seconds = since(start) / 1_000;
      const all = perClient.flat().sort((a, b) => a - b);
      const duplicates = all.length - new Set(all).size;
      const expected = CLIENTS * allocationsPerClient;
      const gaps = expected - new Set(all.filter((v) => v >= 1 && v <= expected)).size;
      const stored = await app.dataSource.query<{ n: string; max: string; announced: string }[]>(
        `SELECT count(DISTINCT version) AS n, max(number) AS max,
                (SELECT count(*) FROM outbox WHERE payload #>> '{subject,content,component}' = $1) AS announced
         FROM versions WHERE component = $1`,
        [component],
      );
      const rate = expected / seconds;
      console.log(`versions: baseline bare counter increments (50 connections, no HTTP): ${Math.round(baseline)}/s`);
      console.log(
        `versions: ${expected} allocations by ${CLIENTS} clients in ${round(seconds, 2)} s; stored ${stored[0]!.n} distinct, highest ${stored[0]!.max}; ${stored[0]!.announced} announced`,
      );
      return `versions: ${Math.round(rate)} allocations/s, duplicates=${duplicates}, gaps=${gaps}`;
    } finally {
      await app.close();
    }
  } finally {
    await services.database.drop();
  }
}

async function counterBaseline(services: BenchServices, perClient: number): Promise<number> {
  const setup = new Client({ connectionString: services.database.url });
  await setup.connect();
  await setup.query('CREATE TABLE baseline_counter (id int PRIMARY KEY, last bigint NOT NULL)');
  await setup.query('INSERT INTO baseline_counter VALUES (1, 0)');
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ connectionString: services.database.url });
      await client.connect();
      try {
        for (let i = 0; i < perClient; i++) {
          await client.query('UPDATE baseline_counter SET last = last + 1 WHERE id = 1 RETURNING last');
        }
      } finally {
        await client.end();
      }
    }),
  );
  const rate = (CLIENTS * perClient) / (since(start) / 1_000);
  await setup.query('DROP TABLE baseline_counter');
  await setup.end();
  return rate;
}
