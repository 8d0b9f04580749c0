// engine-overhead: 500 no-op tasks (`true`) in 8 parallel lanes through the executor with the real
// shell task type, against the same 500 `sh -c true` processes spawned directly from Node, 8 at a time.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PipelineGraph, TaskNode } from '@pipewright/pipeline-spec';
import { executePipeline } from '../src';

const TASKS = 500;
const LANES = 8;
/** Median of 3 by default; more rounds (ENGINE_OVERHEAD_ROUNDS) steady the figure on a busy machine. */
const ROUNDS = Number(process.env.ENGINE_OVERHEAD_ROUNDS ?? 3);
const TARGET = 1.15;

function noOpGraph(): PipelineGraph {
  const lanes: TaskNode[][] = Array.from({ length: LANES }, () => []);
  for (let i = 0; i < TASKS; i++) {
    const name = `noop-${i}`;
    lanes[i % LANES]?.push({
      id: `bench.${name}`,
      name,
      stage: 'bench',
      uses: 'shell',
      with: { run: 'true' },
      env: {},
      timeoutMs: 60_000,
      retry: { attempts: 1, initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 },
      idempotent: false,
      outputs: [],
      source: { file: 'bench.yml', line: 1, column: 1 },
    });
  }
  return {
    schemaVersion: 1,
    component: 'bench',
    team: 'bench',
    solution: 'bench',
    name: 'bench',
    source: { file: 'bench.yml' },
    inputs: {},
    stages: [
      {
        name: 'bench',
        needs: [],
        sections: { first: [], main: [{ kind: 'parallel', lanes }], last: [] },
        source: { file: 'bench.yml', line: 1, column: 1 },
      },
    ],
  };
}

async function throughEngine(graph: PipelineGraph, workspace: string, round: number): Promise<number> {
  const started = performance.now();
  const result = await executePipeline(graph, {
    run: { id: `bench-${round}` },
    workspace,
    env: process.env,
    reporter: { onTaskLine: () => undefined },
  });
  const elapsed = performance.now() - started;
  if (result.outcome !== 'success') throw new Error(`the engine run ended ${result.outcome}`);
  return elapsed;
}

/**
 * `spawn('sh', ['-c', 'true'])` as Node does it by default (stdio pipes), done when it closed:
 * what any caller that wants the output pays. `ignore` discards the output (no pipes): the floor.
 */
function spawnTrue(workspace: string, stdio: 'pipe' | 'ignore'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'true'], { cwd: workspace, env: process.env, stdio });
    child.stdout?.resume();
    child.stderr?.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`))));
  });
}

async function direct(workspace: string, stdio: 'pipe' | 'ignore'): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < TASKS) {
        next++;
        await spawnTrue(workspace, stdio);
      }
    }),
  );
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function engineOverhead(): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'engine-overhead-'));
  try {
    const graph = noOpGraph();
    // Warm up every path (JIT, page cache) before measuring.
    await direct(workspace, 'pipe');
    await direct(workspace, 'ignore');
    await throughEngine(graph, workspace, 0);
    const engine: number[] = [];
    const spawned: number[] = [];
    const ignored: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      engine.push(await throughEngine(graph, workspace, round));
      spawned.push(await direct(workspace, 'pipe'));
      ignored.push(await direct(workspace, 'ignore'));
    }
    const engineMs = median(engine);
    const directMs = median(spawned);
    const ignoredMs = median(ignored);
    const format = (values: number[]) =>
      `${values.map((v) => v.toFixed(0)).join(', ')}; best ${Math.min(...values).toFixed(0)}`;
    console.log(`engine-overhead: ${TASKS} no-op tasks in ${LANES} parallel lanes, median of ${ROUNDS} (interleaved)`);
    console.log(
      `  through the engine: ${engineMs.toFixed(0)} ms  (${format(engine)}; ${(engineMs / TASKS).toFixed(2)} ms/task)`,
    );
    console.log(
      `  spawned directly:   ${directMs.toFixed(0)} ms  (${format(spawned)}; ${(directMs / TASKS).toFixed(2)} ms/task)`,
    );
    console.log(
      `  (output discarded:  ${ignoredMs.toFixed(0)} ms  (${format(ignored)}); engine vs that: ${(engineMs / ignoredMs).toFixed(2)}x)`,
    );
    console.log(`engine-overhead: ${(engineMs / directMs).toFixed(2)}x (target <= ${TARGET}x)`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
