import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_RUN_FINISHED, PIPELINE_RUN_QUEUED, PIPELINE_RUN_STARTED } from '@pipewright/contracts';
import { waitFor } from '@pipewright/testing';
import type { TappedMessage } from '@pipewright/event-bus';
import { startBench } from './support/services';
import { log, nanosToMs, percentile, round, wallClockMs } from './support/stats';

const RUNS = Number(process.env.BENCH_TRIGGER_RUNS ?? 200);
const WARM_UP = 5;

/** One stage, one task: it writes when its process started (`date` is the first thing it runs). */
function pipeline(marker: string): string {
  return `component: bench-trigger
team: bench
solution: bench
pipeline:
  name: trigger-latency
  stages:
    - name: build
      tasks:
        - name: first
          run: date +%s%N > ${marker}
`;
}

interface Sample {
  total: number;
  /** POST until the build-data stand-in saw `pipelinerun.queued` (HTTP, transaction, outbox relay, Kafka). */
  queued: number;
  /** The stand-in publishing `version.allocated`. */
  allocate: number;
  /** Version published until the run's `pipelinerun.started` was written (Kafka, engine consumer, transaction). */
  started: number;
  /** `pipelinerun.started` written until the task's process ran (execution set-up, spawn). */
  spawn: number;
}

/**
 * `trigger-to-first-task`: 200 sequential runs, each from `POST /runs` (client clock just before it)
 * to its first task's process start (the task's `date +%s%N`), through the engine process with
 * Postgres and Kafka; the build-data repository's version answer is played by the bench over Kafka.
 * Baseline: the same `sh -c 'date +%s%N > file'` spawned directly from Node.
 */
export async function triggerToFirstTaskBench(): Promise<string> {
  const baseline = await spawnBaseline(50);
  log(`trigger-to-first-task: baseline direct spawn p50 ${round(percentile(baseline, 50), 2)} ms`);
  const bench = await startBench('trigger');
  try {
    const samples: Sample[] = [];
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      const marker = join(bench.dir, `started-${i}`);
      const t0 = wallClockMs();
      const runId = await bench.engine.trigger(bench.dir, pipeline(marker));
      await bench.peers.eventOf(PIPELINE_RUN_QUEUED, runId);
      const tQueued = wallClockMs();
      await bench.peers.allocateVersion(runId, String(i + 1));
      const tAllocated = wallClockMs();
      await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').endsWith('\n'), {
        timeoutMs: 30_000,
        description: `run ${i}'s first task started`,
        intervalMs: 1,
      });
      const tTask = nanosToMs(readFileSync(marker, 'utf8'));
      const started = writtenAt(await bench.peers.eventOf(PIPELINE_RUN_STARTED, runId));
      // One run at a time: the next trigger does not share the engine with this run's tail.
      await bench.peers.eventOf(PIPELINE_RUN_FINISHED, runId);
      if (i < WARM_UP) continue;
      samples.push({
        total: tTask - t0,
        queued: tQueued - t0,
        allocate: tAllocated - tQueued,
        started: started - tAllocated,
        spawn: tTask - started,
      });
      if ((i - WARM_UP + 1) % 50 === 0) log(`trigger-to-first-task: ${i - WARM_UP + 1}/${RUNS} runs`);
    }
    const of = (key: keyof Sample, p: number) =>
      round(
        percentile(
          samples.map((s) => s[key]),
          p,
        ),
        1,
      );
    console.log(
      `trigger-to-first-task: baseline direct spawn of the task's shell: p50=${of2(baseline, 50)} ms p99=${of2(baseline, 99)} ms`,
    );
    console.log(
      'trigger-to-first-task: where the time goes (p50 / p99 ms): ' +
        `POST -> queued seen on Kafka ${of('queued', 50)} / ${of('queued', 99)}, ` +
        `version answer published ${of('allocate', 50)} / ${of('allocate', 99)}, ` +
        `-> pipelinerun.started written ${of('started', 50)} / ${of('started', 99)}, ` +
        `-> task process running ${of('spawn', 50)} / ${of('spawn', 99)}`,
    );
    console.log(
      'trigger-to-first-task: (event timestamps have 1 ms resolution; the version answer is played by the bench)',
    );
    return `trigger-to-first-task: p50=${of('total', 50)} ms p99=${of('total', 99)} ms (target p50 <= 50 ms, p99 <= 200 ms)`;
  } finally {
    await bench.close();
  }
}

/** When the engine wrote a CDEvent (its context timestamp, set in the transaction that wrote the state). */
const writtenAt = (m: TappedMessage) => Date.parse((m.data as { context: { timestamp: string } }).context.timestamp);

const of2 = (samples: number[], p: number) => round(percentile(samples, p), 2);

/** Milliseconds from just before `spawn` until the shell's `date` ran, `count` times. */
async function spawnBaseline(count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = wallClockMs();
    const child = spawn('sh', ['-c', 'date +%s%N'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((done) => child.once('close', done));
    samples.push(nanosToMs(out) - t0);
  }
  return samples;
}
