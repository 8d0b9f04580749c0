import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_STARTED,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
} from '@pipewright/contracts';
import { NOT_IDEMPOTENT_REASON } from '@pipewright/engine-core';
import type { TappedMessage } from '@pipewright/event-bus';
import { uniqueId, waitFor } from '@pipewright/testing';
import { Client } from 'pg';
import type { RunDto } from '../src/runs/run.dto';
import { EngineTestbed } from './support/engine-testbed';
import { cdevent, type Peers } from './support/peers';

jest.setTimeout(180_000);

/** How many times a task ran: each run appends a line to `<name>.count` in the workspace. */
function runsOf(workspace: string, task: string): number {
  const file = join(workspace, `${task}.count`);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Stage 1 builds; stage 2's task sleeps so the engine can be killed under it; a `last` task always reports. */
function pipeline(component: string, deployTask: string): string {
  return `component: ${component}
team: team-durable
solution: web
pipeline:
  name: durable
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo run >> compile.count
        - name: package
          run: echo run >> package.count
    - name: deploy
      tasks:
${deployTask}
      last:
        - name: report
          run: echo run >> report.count
`;
}

/** Not idempotent: run again after a crash, it would apply the migration twice. */
const migrate = `        - name: migrate
          run: echo run >> migrate.count; echo $$ > migrate.pid; sleep 60`;

/** Idempotent: the second run (after the crash) finds the cache half warm and finishes at once. */
const warmCache = `        - name: warm-cache
          idempotent: true
          run: |
            echo run >> warm-cache.count
            if [ "$(wc -l < warm-cache.count)" -lt 2 ]; then echo $$ > warm-cache.pid; sleep 60; fi
            echo "warmed on attempt $PIPEWRIGHT_ATTEMPT"`;

/**
 * Durability with real processes: the engine is `kill -9`ed while two runs are in their second stage,
 * a new engine process starts on the same database, and both runs continue from their rows.
 */
describe('pipeline-engine after a crash', () => {
  let bed: EngineTestbed;
  let peers: Peers;

  beforeAll(async () => {
    // The engine restarts as itself (as a StatefulSet pod would): it takes its runs back without waiting for their leases.
    bed = await EngineTestbed.open('crash', { PIPEWRIGHT_ENGINE_INSTANCE_ID: 'engine-crash-test' });
    peers = bed.peers;
  });

  afterAll(() => bed?.close(['migrate.pid', 'warm-cache.pid']));

  const startEngine = () => bed.startEngine();

  const taskOf = (run: RunDto, stage: string, task: string) =>
    run.stages.find((s) => s.name === stage)?.tasks.find((t) => t.name === task);

  it('resumes every unfinished run: finished tasks are not run again, an interrupted task only if idempotent', async () => {
    const first = await startEngine();
    const [wsA, wsB] = await Promise.all([bed.workspace('engine-crash-a-'), bed.workspace('engine-crash-b-')]);
    const runA = await first.trigger(wsA, pipeline(uniqueId('ledger-'), migrate));
    const runB = await first.trigger(wsB, pipeline(uniqueId('catalog-'), warmCache));
    await Promise.all([peers.allocateVersion(runA, '1.0.0'), peers.allocateVersion(runB, '1.0.0')]);

    // Both runs are in stage 2, their task processes running: that is when the engine dies.
    await waitFor(() => existsSync(join(wsA, 'migrate.pid')) && existsSync(join(wsB, 'warm-cache.pid')), {
      timeoutMs: 60_000,
      description: 'both stage-2 tasks running',
    });
    await first.kill();

    const second = await startEngine();
    const [a, b] = await Promise.all([second.finishedRun(runA), second.finishedRun(runB)]);

    // Stage 1 finished before the crash: its results stand, its tasks did not run again.
    for (const workspace of [wsA, wsB]) {
      expect(runsOf(workspace, 'compile')).toBe(1);
      expect(runsOf(workspace, 'package')).toBe(1);
      expect(runsOf(workspace, 'report')).toBe(1);
    }
    expect(taskOf(a, 'build', 'compile')).toMatchObject({ status: 'success', attempt: 1 });

    // Not idempotent: failed with the reason, never started a second time.
    expect(runsOf(wsA, 'migrate')).toBe(1);
    expect(taskOf(a, 'deploy', 'migrate')).toMatchObject({ status: 'failure', errors: NOT_IDEMPOTENT_REASON });
    expect(taskOf(a, 'deploy', 'report')).toMatchObject({ status: 'success' });
    expect(a).toMatchObject({ status: 'failure' });
    expect(a.errors).toContain(NOT_IDEMPOTENT_REASON);
    const migrateFinished = await peers.eventOf(
      TASK_RUN_FINISHED,
      runA,
      (m) => cdevent(m).subject.content.taskName === 'migrate',
    );
    expect(cdevent(migrateFinished).subject.content).toMatchObject({
      outcome: 'failure',
      errors: NOT_IDEMPOTENT_REASON,
    });

    // Idempotent: run again as attempt 2, and the run succeeded.
    expect(runsOf(wsB, 'warm-cache')).toBe(2);
    expect(taskOf(b, 'deploy', 'warm-cache')).toMatchObject({ status: 'success', attempt: 2 });
    expect(b).toMatchObject({ status: 'success', errors: null });
    const warmLog = await waitFor(() => {
      const lines = peers.logLinesOf(runB, 'warm-cache');
      return lines.length > 0 ? lines : null;
    });
    expect(warmLog.map((l) => l.text)).toEqual(['warmed on attempt 2']);

    // Each run started once; stage 1's tasks were announced once. (The outbox delivers at least once, so a
    // message the killed engine sent but had not marked sent may come again: count distinct events.)
    const distinct = (messages: TappedMessage[]) => new Set(messages.map((m) => m.attributes.id)).size;
    for (const runId of [runA, runB]) {
      expect(distinct(peers.eventsOf(PIPELINE_RUN_STARTED, runId))).toBe(1);
      const compileStarts = peers
        .eventsOf(TASK_RUN_STARTED, runId)
        .filter((m) => cdevent(m).subject.content.taskName === 'compile');
      expect(distinct(compileStarts)).toBe(1);
    }
    await second.stop();
  });

  it('suspends runs on a graceful stop (their tasks killed, nothing finished) and the next engine resumes them', async () => {
    const first = await startEngine();
    const workspace = await bed.workspace('engine-stop-');
    const runId = await first.trigger(workspace, pipeline(uniqueId('search-'), warmCache));
    await peers.allocateVersion(runId, '2.0.0');
    await waitFor(() => existsSync(join(workspace, 'warm-cache.pid')), {
      timeoutMs: 60_000,
      description: 'the stage-2 task running',
    });
    const taskPid = Number(readFileSync(join(workspace, 'warm-cache.pid'), 'utf8').trim());

    await first.stop();

    // The engine took its task down with it instead of leaving it behind.
    expect(() => process.kill(taskPid, 0)).toThrow(/ESRCH/);
    const second = await startEngine();
    const run = await second.finishedRun(runId);
    expect(run).toMatchObject({ status: 'success' });
    expect(taskOf(run, 'deploy', 'warm-cache')).toMatchObject({ status: 'success', attempt: 2 });
    expect(runsOf(workspace, 'compile')).toBe(1);
    expect(runsOf(workspace, 'warm-cache')).toBe(2);
    // Suspending is not finishing: the run was announced finished once, by the engine that finished it.
    await peers.eventOf(PIPELINE_RUN_FINISHED, runId);
    const finished = new Map(peers.eventsOf(PIPELINE_RUN_FINISHED, runId).map((m) => [m.attributes.id, m]));
    expect([...finished.values()].map((m) => cdevent(m).subject.content.outcome)).toEqual(['success']);
    await second.stop();
  });
  it('cancels a run whose engine died once an engine takes it over, the request recorded meanwhile', async () => {
    const first = await startEngine();
    const workspace = await bed.workspace('engine-cancel-crash-');
    const runId = await first.trigger(workspace, pipeline(uniqueId('ledger-'), migrate));
    await peers.allocateVersion(runId, '3.0.0');
    await waitFor(() => existsSync(join(workspace, 'migrate.pid')), {
      timeoutMs: 60_000,
      description: 'the stage-2 task running',
    });
    await first.kill();
    // What POST /runs/:id/cancel records for a running run, while no engine is alive to be woken.
    const client = new Client({ connectionString: bed.db.url });
    await client.connect();
    await client.query(
      `UPDATE engine.runs SET cancel_requested_at = now(), cancel_requested_by = 'ops', cancel_reason = 'incident'
        WHERE id = $1`,
      [runId],
    );
    await client.end();

    const second = await startEngine();
    const run = await second.finishedRun(runId);
    expect(run).toMatchObject({ status: 'cancel', cancellation: { by: 'ops', reason: 'incident' } });
    expect(run.errors).toContain('cancelled by ops: incident');
    // The stage that was running goes on as cancelled: the interrupted task is failed (not idempotent), the
    // clean-up in `last` runs; nothing ran twice.
    expect(runsOf(workspace, 'migrate')).toBe(1);
    expect(runsOf(workspace, 'report')).toBe(1);
    expect(taskOf(run, 'deploy', 'migrate')).toMatchObject({ status: 'failure', errors: NOT_IDEMPOTENT_REASON });
    expect(taskOf(run, 'deploy', 'report')).toMatchObject({ status: 'success' });
    const finished = cdevent(await peers.eventOf(PIPELINE_RUN_FINISHED, runId));
    expect(finished.subject.content).toMatchObject({ outcome: 'cancel' });
    await second.stop();
  });
});
