import { spawn } from 'node:child_process';
import { PIPELINE_RUN_FINISHED } from '@pipewright/contracts';
import { cdevent } from '../test/support/peers';
import { RssSampler, rssMb } from './support/engine-process';
import { startBench } from './support/services';
import { log, round } from './support/stats';

const RUNS = Number(process.env.BENCH_CONCURRENT_RUNS ?? 200);
const TASKS = 10;
const TIMEOUT_MS = 600_000;

const pipeline = (n: number) => `component: bench-concurrent-${n % 20}
team: bench
solution: bench
pipeline:
  name: ten-tasks
  stages:
    - name: build
      tasks:
${Array.from({ length: TASKS }, (_, i) => `        - name: task-${i}\n          run: "true"`).join('\n')}
`;

/**
 * `concurrent-runs`: 200 runs of a 10-task pipeline (tasks `true`) triggered at once on one engine
 * process; every run must finish. Wall time from the first POST to the last `pipelinerun.finished`,
 * and the engine's peak RSS (sampled every 100 ms). Baseline: the same 200 x 10 processes spawned
 * directly from Node, 200 chains of 10 at once.
 */
export async function concurrentRunsBench(): Promise<string> {
  const baselineSeconds = await spawnBaseline();
  log(`concurrent-runs: baseline ${RUNS} x ${TASKS} direct spawns in ${round(baselineSeconds, 2)} s`);
  const bench = await startBench('concurrent');
  try {
    const idleMb = rssMb(bench.engine.pid);
    const rss = new RssSampler(bench.engine.pid);
    const start = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: RUNS }, async (_, n) => {
        try {
          const runId = await bench.engine.trigger(bench.dir, pipeline(n));
          await bench.peers.allocateVersion(runId, String(n + 1));
          const finished = await bench.peers.eventOf(PIPELINE_RUN_FINISHED, runId, undefined, TIMEOUT_MS);
          return cdevent(finished).subject.content.outcome === 'success' ? 'success' : 'failure';
        } catch (error) {
          log(`concurrent-runs: run ${n}: ${String(error)}`);
          return 'unfinished';
        }
      }),
    );
    const seconds = (performance.now() - start) / 1_000;
    const peakMb = rss.stop();
    const finished = outcomes.filter((o) => o !== 'unfinished').length;
    const failed = outcomes.filter((o) => o === 'failure').length;
    console.log(
      `concurrent-runs: baseline ${RUNS} x ${TASKS} \`true\` spawned directly (${RUNS} chains at once): ${round(baselineSeconds, 2)} s`,
    );
    console.log(
      `concurrent-runs: engine RSS idle ${Math.round(idleMb)} MB, peak ${Math.round(peakMb)} MB; ${failed} run(s) finished as failure`,
    );
    return `concurrent-runs: ${finished}/${RUNS} finished in ${round(seconds, 1)} s, peak RSS ${Math.round(peakMb)} MB (target <= 400 MB)`;
  } finally {
    await bench.close();
  }
}

async function spawnBaseline(): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: RUNS }, async () => {
      for (let i = 0; i < TASKS; i++) {
        const child = spawn('sh', ['-c', 'true'], { stdio: 'ignore' });
        await new Promise((done) => child.once('close', done));
      }
    }),
  );
  return (performance.now() - start) / 1_000;
}
