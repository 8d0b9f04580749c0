import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics, type LogLines } from '@pipewright/contracts';
import { fromKafkaMessage } from '@pipewright/event-bus';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import type { RunLogPageDto } from '../src/logs/run-logs.dto';
import type { RunDto } from '../src/runs/run.dto';
import { EngineProcess, ensureEngineBuilt } from './support/engine-process';
import { Peers } from './support/peers';

jest.setTimeout(300_000);

const MB = 1024 * 1024;
const OUTPUT_BYTES = 200 * MB;
/** 1023 characters and a newline: 200 MB is exactly 204,800 lines, 2,048 full batches of 100. */
const LINE_LENGTH = 1023;
const LINES = OUTPUT_BYTES / (LINE_LENGTH + 1);
/** V8 old-space cap of the engine process: well under the output, comfortably over the idle engine's heap. */
const HEAP_CAP_MB = 128;
/**
 * Headroom over the idle engine for buffers, batches in flight and garbage not yet collected (measured:
 * 130-180 MB, mostly Buffers outside the JS heap awaiting collection). Keeping the output would cost
 * at least its 200 MB on top, so the bound can be met only while streaming.
 */
const RSS_HEADROOM_MB = 200;
/** Kept output would add ~100 MB between the first half's peak and the second's; streaming adds slack only. */
const SECOND_HALF_GROWTH_MB = 70;

/** The resident set size of process `pid` in MB (VmRSS of /proc/<pid>/status). */
function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * A task printing 200 MB through the real engine process: the output streams to Kafka line by line,
 * so the engine's memory stays flat instead of growing with what the task prints.
 */
describe('pipeline-engine with a task printing 200 MB', () => {
  let db: PostgresService;
  let peers: Peers;
  let engine: EngineProcess | undefined;
  let logConsumer: ReturnType<Peers['bus']['kafka']['consumer']> | undefined;
  let workspace: string;
  let logDir: string;

  beforeAll(async () => {
    ensureEngineBuilt();
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    const prefix = topicPrefix();
    peers = await Peers.open(brokers, prefix);
    workspace = await mkdtemp(join(tmpdir(), 'engine-large-output-'));
    logDir = await mkdtemp(join(tmpdir(), 'engine-large-output-logs-'));
    engine = await EngineProcess.start(
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        LOG_LEVEL: 'info',
        // Uncapped, V8 lets the old space grow with the allocation rate (RSS creeps up with the output
        // although nothing is kept); capped below the output's size, an engine that kept the output
        // would die of heap exhaustion instead of passing.
        NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}`,
      },
      join(logDir, 'engine.log'),
    );
  });

  afterAll(async () => {
    await engine?.stop();
    await logConsumer?.disconnect();
    await peers?.close();
    await db?.drop();
    for (const dir of [workspace, logDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * Counts the task's log lines on the logs topic without keeping them (the peers' tap would hold
   * all 200 MB in this process): distinct seqs and the highest one.
   */
  async function countLogLines(runId: string, taskName: string) {
    const seen = { seqs: new Set<number>(), lastSeq: 0 };
    logConsumer = peers.bus.kafka.consumer({ groupId: peers.bus.topic(`large-output.${randomUUID()}`) });
    await logConsumer.connect();
    await logConsumer.subscribe({ topics: [peers.bus.topic(Topics.logs)], fromBeginning: true });
    await logConsumer.run({
      eachMessage: async ({ message }) => {
        const batch = fromKafkaMessage(message).data as LogLines;
        if (batch.runId !== runId || batch.taskName !== taskName) return;
        for (const line of batch.lines) {
          seen.seqs.add(line.seq);
          seen.lastSeq = Math.max(seen.lastSeq, line.seq);
        }
      },
    });
    return seen;
  }

  it('runs it to success with the engine RSS bounded, and every line reaches Kafka', async () => {
    const pid = engine!.pid;
    // Idle after start-up: what the engine needs before any output flows.
    const baselineMb = rssMb(pid);
    let peakMb = baselineMb;
    // Peaks while the first and the second half of the output went through: if the engine kept what
    // it forwarded, the second would sit ~100 MB above the first.
    const halves = { first: baselineMb, second: 0 };
    let logLines: Awaited<ReturnType<typeof countLogLines>> | undefined;
    const sampler = setInterval(() => {
      try {
        const mb = rssMb(pid);
        peakMb = Math.max(peakMb, mb);
        if ((logLines?.seqs.size ?? 0) < LINES / 2) halves.first = Math.max(halves.first, mb);
        else halves.second = Math.max(halves.second, mb);
      } catch {
        // the engine is gone; the run's assertions will say why
      }
    }, 100);

    try {
      const yaml = `component: ${uniqueId('chatty-')}
team: team-logs
solution: web
pipeline:
  name: large-output
  stages:
    - name: build
      tasks:
        - name: shout
          run: yes "$(printf '%0${LINE_LENGTH}d' 0)" | head -c ${OUTPUT_BYTES}
`;
      const response = await fetch(`${engine!.url}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace, pipelineYaml: yaml }),
      });
      const { id: runId } = (await response.json()) as { id: string };
      expect(response.status).toBe(201);
      logLines = await countLogLines(runId, 'shout');
      await peers.allocateVersion(runId, '1.0.0');

      const run = await waitFor(
        async () => {
          const current = (await (await fetch(`${engine!.url}/runs/${runId}`)).json()) as RunDto;
          return current.finishedAt !== null ? current : null;
        },
        { timeoutMs: 240_000, description: `run ${runId} finished`, intervalMs: 500 },
      );
      expect(run).toMatchObject({ status: 'success', errors: null });
      // The engine's tail kept the last lines only (1000 by default), and says the rest left it.
      const tail = (await (await fetch(`${engine!.url}/runs/${runId}/logs?limit=2000`)).json()) as RunLogPageDto;
      expect(tail.lines.map((line) => line.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => LINES - 999 + i));
      expect(tail.dropped).toEqual([expect.objectContaining({ task: 'shout', lines: LINES - 1_000 })]);

      const seen = logLines;
      await waitFor(() => seen.lastSeq === LINES && seen.seqs.size === LINES, {
        timeoutMs: 120_000,
        description: `${LINES} distinct log lines on Kafka, the last with seq ${LINES}`,
        intervalMs: 200,
      });
    } finally {
      clearInterval(sampler);
    }

    process.stderr.write(
      `large-output: engine RSS idle ${baselineMb.toFixed(0)} MB, peak ${peakMb.toFixed(0)} MB ` +
        `(first half of the output ${halves.first.toFixed(0)} MB, second half ${halves.second.toFixed(0)} MB) ` +
        `for ${OUTPUT_BYTES / MB} MB of output\n`,
    );
    expect(peakMb).toBeLessThan(baselineMb + RSS_HEADROOM_MB);
    expect(halves.second - halves.first).toBeLessThan(SECOND_HALF_GROWTH_MB);
  });
});
