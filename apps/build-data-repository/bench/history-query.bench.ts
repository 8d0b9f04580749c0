import { benchServices, startBenchApp } from './support/bench-app';
import { log, percentile, round, since } from './support/stats';

const EVENTS_PER_RUN = 20;
const REQUESTS = 1_000;
const TARGET_MS = 50;

/**
 * `history-query`: with 1,000,000 events stored (and their 50,000 runs, 450,000 task runs, 150,000
 * stage runs, seeded with generate_series), p99 over HTTP of the run-history list (a mix of filters and
 * second pages) and of one run's graph. Baseline: p99 of GET /health/live, the HTTP floor.
 */
export async function historyQueryBench(): Promise<string> {
  // Fewer only for the smoke test that keeps the bench running (benches.int-spec.ts).
  const events = Number(process.env.BENCH_HISTORY_EVENTS ?? 1_000_000);
  const services = await benchServices();
  try {
    const app = await startBenchApp(services);
    try {
      const runs = events / EVENTS_PER_RUN;
      const seedStart = performance.now();
      await seed(app.dataSource.query.bind(app.dataSource), runs);
      log(`history-query: seeded ${events} events, ${runs} runs in ${round(since(seedStart) / 1_000)} s`);

      const get = async (path: string) => {
        const start = performance.now();
        const response = await fetch(`${app.baseUrl}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
        return since(start);
      };
      // Warm up connections and caches the way a running service has them.
      for (let i = 0; i < 50; i++) await get(`/runs?limit=50`);

      const floor: number[] = [];
      for (let i = 0; i < REQUESTS; i++) floor.push(await get('/health/live'));

      const lists = [
        () => '/runs?limit=50',
        () => `/runs?component=component-${Math.floor(Math.random() * 100)}&limit=50`,
        () => `/runs?team=team-${Math.floor(Math.random() * 20)}&status=finished&limit=50`,
        () => `/runs?outcome=failure&limit=50`,
        () => `/runs?status=running&limit=50`,
        () => `/runs?revision=rev-${Math.floor(Math.random() * runs)}`,
        () => `/runs?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z&limit=50`,
      ];
      const list: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const path = lists[i % lists.length]!();
        list.push(await get(path));
        // Every tenth request also fetches its second page.
        if (i % 10 === 0) {
          const first = (await (await fetch(`${app.baseUrl}${path}`)).json()) as { nextCursor: string | null };
          if (first.nextCursor) list.push(await get(`${path}&cursor=${encodeURIComponent(first.nextCursor)}`));
        }
      }
      const one: number[] = [];
      for (let i = 0; i < REQUESTS; i++) one.push(await get(`/runs/run-${Math.floor(Math.random() * runs)}`));

      const p99 = { floor: percentile(floor, 99), list: percentile(list, 99), run: percentile(one, 99) };
      console.log(`history-query: ${events} events, ${runs} runs; ${list.length} list and ${one.length} run requests`);
      console.log(`history-query: baseline p99 GET /health/live=${round(p99.floor, 2)} ms`);
      console.log(
        `history-query: p50 list=${round(percentile(list, 50), 2)} ms, run=${round(percentile(one, 50), 2)} ms`,
      );
      return `history-query: p99 list=${round(p99.list, 1)} ms, run=${round(p99.run, 1)} ms (target <= ${TARGET_MS} ms)`;
    } finally {
      await app.close();
    }
  } finally {
    await services.database.drop();
  }
}

/**
 * Runs with 3 stages of 3 tasks each, and 20 events per run (queued, started, 18 task events, finished
 * counted in the 20 by dropping one task event), one run queued every minute from 2026-11-01. Written
 * with plain INSERTs: only the event log's own append notifies live streams, so none reads them back.
 */
async function seed(query: (sql: string, parameters?: unknown[]) => Promise<unknown>, runs: number): Promise<void> {
  const run = `'run-' || r`;
  const queuedAt = `timestamptz '2026-11-01T00:00:00Z' + r * interval '1 minute'`;
  await query(
    `
    INSERT INTO runs (id, pipeline_name, component, team, solution, revision, trigger, definition, status, outcome,
                      version, queued_at, started_at, finished_at, duration_ms)
    SELECT ${run}, 'build-and-deploy', 'component-' || (r % 100), 'team-' || (r % 20), 'solution-' || (r % 5), 'rev-' || r,
           '{"type":"webhook"}', '{"name":"build-and-deploy","stages":[{"name":"build","tasks":[{},{},{}]},{"name":"test","tasks":[{},{},{}]},{"name":"deploy","tasks":[{},{},{}]}]}',
           CASE WHEN r % 50 = 0 THEN 'running' ELSE 'finished' END,
           CASE WHEN r % 50 = 0 THEN NULL WHEN r % 10 = 0 THEN 'failure' ELSE 'success' END,
           r::text, ${queuedAt}, ${queuedAt} + interval '1 second', ${queuedAt} + interval '20 seconds', 20000
    FROM generate_series(0, $1 - 1) AS r`,
    [runs],
  );
  await query(
    `
    INSERT INTO task_runs (id, run_id, component, stage, task_name, attempt, status, outcome, exit_code,
                           started_at, finished_at, duration_ms)
    SELECT ${run} || '-' || s || '-' || t, ${run}, 'component-' || (r % 100), (ARRAY['build','test','deploy'])[s + 1],
           'task-' || t, 1, 'finished', 'success', 0,
           ${queuedAt} + (s * 3 + t) * interval '2 seconds', ${queuedAt} + (s * 3 + t + 1) * interval '2 seconds', 2000
    FROM generate_series(0, $1 - 1) AS r, generate_series(0, 2) AS s, generate_series(0, 2) AS t`,
    [runs],
  );
  await query(
    `
    INSERT INTO events (id, cdevent_id, type, source, subject, run_id, component, time, payload)
    SELECT 'ce-' || r || '-' || e, 'cd-' || r || '-' || e,
           CASE WHEN e = 0 THEN 'dev.cdevents.pipelinerun.queued.0.3.0' WHEN e = 1 THEN 'dev.cdevents.pipelinerun.started.0.3.0'
                WHEN e = 19 THEN 'dev.cdevents.pipelinerun.finished.0.3.0' WHEN e % 2 = 0 THEN 'dev.cdevents.taskrun.started.0.3.0'
                ELSE 'dev.cdevents.taskrun.finished.0.3.0' END,
           '/pipewright/pipeline-engine', ${run}, ${run}, 'component-' || (r % 100), ${queuedAt} + e * interval '1 second',
           json_build_object('context', json_build_object('id', 'cd-' || r || '-' || e, 'specversion', '0.5.1',
             'source', '/pipewright/pipeline-engine', 'timestamp', ${queuedAt} + e * interval '1 second'),
             'subject', json_build_object('id', ${run}, 'content', json_build_object('pipelineName', 'build-and-deploy',
               'pipelineRun', json_build_object('id', ${run}))),
             'customData', json_build_object('component', 'component-' || (r % 100), 'team', 'team-' || (r % 20),
               'stage', 'build', 'attempt', 1, 'exitCode', 0, 'durationMs', 2000))
    FROM generate_series(0, $1 - 1) AS r, generate_series(0, ${EVENTS_PER_RUN - 1}) AS e`,
    [runs],
  );
  await query(`VACUUM ANALYZE runs`);
  await query(`VACUUM ANALYZE task_runs`);
  await query(`VACUUM ANALYZE events`);
}
