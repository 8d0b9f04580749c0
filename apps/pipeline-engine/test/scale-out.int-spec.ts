import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PIPELINE_RUN_FINISHED, PIPELINE_RUN_STARTED, TASK_RUN_FINISHED } from '@pipewright/contracts';
import type { TappedMessage } from '@pipewright/event-bus';
import { uniqueId, waitFor } from '@pipewright/testing';
import { Client } from 'pg';
import type { RunDto } from '../src/runs/run.dto';
import { EngineTestbed, killProcessGroup } from './support/engine-testbed';
import { cdevent, type Peers } from './support/peers';

jest.setTimeout(240_000);

/** Short leases, so that a takeover happens within seconds. */
const LEASE_SECONDS = 4;

/** Lines a task appended to `<file>` in the workspace, in order. */
function marks(workspace: string, file: string): string[] {
  const path = join(workspace, file);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

const distinct = (messages: TappedMessage[]) => new Map(messages.map((m) => [m.attributes.id, m]));

/**
 * Stage 1 is quick; stage 2's task takes seconds (long enough to kill an engine under it) and is
 * idempotent, so the engine that takes the run over runs it again. Each task writes which engine ran
 * it (SCALE_OUT_ENGINE, set per engine process and inherited by its tasks).
 */
function pipeline(component: string): string {
  return `component: ${component}
team: team-scale
solution: web
pipeline:
  name: scale-out
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo "$SCALE_OUT_ENGINE" >> compile.marks
    - name: deploy
      tasks:
        - name: rollout
          idempotent: true
          run: |
            echo "start $SCALE_OUT_ENGINE" >> rollout.marks
            echo $$ > rollout-$SCALE_OUT_ENGINE.pid
            sleep 8
            echo "end $SCALE_OUT_ENGINE" >> rollout.marks
`;
}

/** One task that runs until the test creates `release` in the workspace. */
function heldPipeline(component: string): string {
  return `component: ${component}
team: team-scale
solution: web
pipeline:
  name: held
  stages:
    - name: deploy
      tasks:
        - name: hold
          idempotent: true
          run: |
            echo "$SCALE_OUT_ENGINE" >> hold.marks
            echo $$ > hold.pid
            while [ ! -f release ]; do sleep 0.1; done
`;
}

/** A stage that waits for alice's approval, then deploys. */
function approvalPipeline(component: string): string {
  return `component: ${component}
team: team-scale
solution: web
pipeline:
  name: gated
  stages:
    - name: production
      approval: { approvers: [alice] }
      tasks:
        - name: deploy
          run: echo "$SCALE_OUT_ENGINE" >> deploy.marks
`;
}

/**
 * Several engine processes on one database and one Kafka consumer group: runs spread over them by the
 * partition their version arrives on, each run executed by the engine holding its lease; an engine
 * killed mid-run has its runs taken over by another once their leases expire.
 */
describe('pipeline-engine scaled out', () => {
  let bed: EngineTestbed;
  let peers: Peers;
  let sql: Client;

  beforeAll(async () => {
    bed = await EngineTestbed.open('scale', { PIPEWRIGHT_ENGINE_LEASE_SECONDS: String(LEASE_SECONDS) });
    peers = bed.peers;
    sql = new Client({ connectionString: bed.db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await bed?.close(['rollout-a.pid', 'rollout-b.pid', 'hold.pid']);
  });

  /** Engine `engine-<name>`; its tasks know it as SCALE_OUT_ENGINE. */
  const startEngine = (name: string, env: Record<string, string> = {}) =>
    bed.startEngine(
      { PIPEWRIGHT_ENGINE_INSTANCE_ID: `engine-${name}`, SCALE_OUT_ENGINE: name, ...env },
      `engine-${name}`,
    );
  const newWorkspace = () => bed.workspace('engine-scale-');

  async function leaseOwners(): Promise<Map<string, string | null>> {
    const { rows } = await sql.query<{ id: string; lease_owner: string | null }>(
      'SELECT id, lease_owner FROM engine.runs',
    );
    return new Map(rows.map((r) => [r.id, r.lease_owner]));
  }

  it('spreads runs over the engines, and when one is killed another takes its runs over', async () => {
    const a = await startEngine('a');
    const b = await startEngine('b');

    // Who holds each run's lease, sampled all along: the history of every run's owners.
    const owners = new Map<string, { owner: string; at: number }[]>();
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        for (const [runId, owner] of await leaseOwners()) {
          const history = owners.get(runId) ?? [];
          if (owner !== null && history.at(-1)?.owner !== owner) history.push({ owner, at: Date.now() });
          owners.set(runId, history);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const firstOwner = (runId: string) => owners.get(runId)?.[0]?.owner;

    // Runs go where their version arrives (the consumer group's partitions): queue until both engines have runs.
    const runs = new Map<string, string>(); // run id -> workspace
    while (runs.size < 12) {
      const batch = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const workspace = await newWorkspace();
          const runId = await a.trigger(workspace, pipeline(uniqueId('shop-')));
          runs.set(runId, workspace);
          return runId;
        }),
      );
      await Promise.all(batch.map((runId) => peers.allocateVersion(runId, '1.0.0')));
      await waitFor(() => batch.every((runId) => firstOwner(runId) !== undefined), {
        timeoutMs: 30_000,
        description: 'every run of the batch executing somewhere',
      });
      const byA = [...runs.keys()].filter((runId) => firstOwner(runId) === 'engine-a');
      if (byA.length > 0 && byA.length < runs.size) break;
    }
    const ranByA = [...runs.keys()].filter((runId) => firstOwner(runId) === 'engine-a');
    const ranByB = [...runs.keys()].filter((runId) => firstOwner(runId) === 'engine-b');
    expect(ranByA.length).toBeGreaterThan(0);
    expect(ranByB.length).toBeGreaterThan(0);
    expect(ranByA.length + ranByB.length).toBe(runs.size);

    // Engine a dies while its runs are in their long task (and, as with a machine gone, so do its tasks).
    await waitFor(() => ranByA.every((runId) => marks(runs.get(runId)!, 'rollout.marks').length === 1), {
      timeoutMs: 30_000,
      description: "engine a's runs in their second stage",
    });
    // Any instance tells who runs a run: the lease's holder, as the API shows it.
    const seenFromB = (await (await fetch(`${b.url}/runs/${ranByA[0]}`)).json()) as RunDto;
    expect(seenFromB.lease).toMatchObject({ instance: 'engine-a' });
    expect(Date.parse(seenFromB.lease!.expiresAt)).toBeGreaterThan(Date.now() - 1_000);
    await a.kill();
    const killedAt = Date.now();
    for (const runId of ranByA) killProcessGroup(join(runs.get(runId)!, 'rollout-a.pid'));

    const finished = await Promise.all([...runs.keys()].map((runId) => b.finishedRun(runId, 90_000)));
    sampling = false;
    await sampled;

    for (const run of finished) expect(run).toMatchObject({ status: 'success', errors: null });
    for (const runId of ranByA) {
      const workspace = runs.get(runId)!;
      // Taken over by b once the lease expired: a lease length, plus up to half of one until b's sweep.
      expect(owners.get(runId)?.map((o) => o.owner)).toEqual(['engine-a', 'engine-b']);
      const takenOverAfter = owners.get(runId)![1]!.at - killedAt;
      expect(takenOverAfter).toBeLessThan(LEASE_SECONDS * 1000 * 3);
      // What a had finished stands; the interrupted (idempotent) task ran again on b, and only after a had stopped.
      expect(marks(workspace, 'compile.marks')).toEqual(['a']);
      expect(marks(workspace, 'rollout.marks')).toEqual(['start a', 'start b', 'end b']);
    }
    for (const runId of ranByB) {
      expect(owners.get(runId)?.map((o) => o.owner)).toEqual(['engine-b']);
      expect(marks(runs.get(runId)!, 'compile.marks')).toEqual(['b']);
      expect(marks(runs.get(runId)!, 'rollout.marks')).toEqual(['start b', 'end b']);
    }
    // Each run started once and finished once, whoever executed it. (The outbox delivers at least once:
    // a message the killed engine sent but had not marked sent may come again, so count distinct events.)
    await Promise.all([...runs.keys()].map((runId) => peers.eventOf(PIPELINE_RUN_FINISHED, runId)));
    for (const runId of runs.keys()) {
      expect(distinct(peers.eventsOf(PIPELINE_RUN_STARTED, runId)).size).toBe(1);
      const outcomes = [...distinct(peers.eventsOf(PIPELINE_RUN_FINISHED, runId)).values()];
      expect(outcomes.map((m) => cdevent(m).subject.content.outcome)).toEqual(['success']);
    }
    // A finished run's lease is given back.
    await waitFor(async () => [...(await leaseOwners()).values()].every((owner) => owner === null), {
      description: 'every lease given back',
    });
    expect(((await (await fetch(`${b.url}/runs/${ranByA[0]}`)).json()) as RunDto).lease).toBeNull();
    await b.stop();
  });

  it('stops writing a run whose lease another instance took (fencing), and the new owner resumes it', async () => {
    // A long lease: no heartbeat comes between the theft and the task's end, so the write itself must be refused.
    const stalled = await startEngine('c', { PIPEWRIGHT_ENGINE_LEASE_SECONDS: '120' });
    const workspace = await newWorkspace();
    const runId = await stalled.trigger(workspace, heldPipeline(uniqueId('ledger-')));
    await peers.allocateVersion(runId, '1.0.0');
    // (Engine a's seat in the consumer group is only given up when its Kafka session times out.)
    await waitFor(() => existsSync(join(workspace, 'hold.pid')), {
      timeoutMs: 60_000,
      description: 'the task running',
    });

    // As if engine c had stalled past its lease and engine d had taken the run over meanwhile.
    await sql.query(
      `UPDATE engine.runs SET lease_owner = 'engine-d', lease_expires_at = now() + interval '1 hour' WHERE id = $1`,
      [runId],
    );
    await writeFile(join(workspace, 'release'), '');

    const suspended = await waitFor(
      async () =>
        (await readFile(join(bed.logDir, 'engine-c.log'), 'utf8'))
          .split('\n')
          .map((line) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {}))
          .find((entry) => entry.runId === runId && entry.msg === 'run suspended here; another engine resumes it'),
      { timeoutMs: 30_000, description: 'engine c suspending the run' },
    );
    expect(suspended.reason).toMatch(/was taken over by another engine instance/);
    // Nothing of the task's end was written by c: not its row, not its event.
    const { rows } = await sql.query<{ status: string; attempt: number }>(
      `SELECT status, attempt FROM engine.task_runs WHERE run_id = $1`,
      [runId],
    );
    expect(rows).toEqual([{ status: 'running', attempt: 1 }]);
    expect(peers.eventsOf(TASK_RUN_FINISHED, runId)).toEqual([]);
    await stalled.stop();

    // Engine d (the lease's owner) starts: it takes its run back at once and runs the task again.
    const owner = await startEngine('d');
    const run = await owner.finishedRun(runId);
    expect(run).toMatchObject({ status: 'success' });
    expect(marks(workspace, 'hold.marks')).toEqual(['c', 'd']);
    await peers.eventOf(TASK_RUN_FINISHED, runId);
    const taskFinished = [...distinct(peers.eventsOf(TASK_RUN_FINISHED, runId)).values()];
    expect(taskFinished.map((m) => cdevent(m).customData.attempt)).toEqual([2]);
    await owner.stop();
  });

  it('takes a decision at any engine to the one running the run, and hands runs over at once on a graceful stop', async () => {
    // Leases far longer than the test: whatever moves here moves because it was told to, not because a lease expired.
    const longLease = { PIPEWRIGHT_ENGINE_LEASE_SECONDS: '600' };
    const byName = new Map([
      ['engine-e', await startEngine('e', longLease)],
      ['engine-f', await startEngine('f', longLease)],
    ]);
    const other = (name: string) => [...byName].find(([n]) => n !== name)!;

    const gatedWorkspace = await newWorkspace();
    const gated = await byName.get('engine-e')!.trigger(gatedWorkspace, approvalPipeline(uniqueId('gate-')));
    await peers.allocateVersion(gated, '1.0.0');
    const gatedOwner = await ownerOf(sql, gated);
    const [, elsewhere] = other(gatedOwner);
    await waitFor(
      async () => {
        const run = (await (await fetch(`${elsewhere.url}/runs/${gated}`)).json()) as RunDto;
        return run.stages[0]?.status === 'waiting-approval';
      },
      { timeoutMs: 30_000, description: 'the stage waiting for approval' },
    );
    const decided = await fetch(`${elsewhere.url}/runs/${gated}/stages/production/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'alice' }),
    });
    expect(decided.status).toBe(200);
    expect(await elsewhere.finishedRun(gated)).toMatchObject({ status: 'success' });
    // The run went on where it was, not where the decision was taken.
    expect(marks(gatedWorkspace, 'deploy.marks')).toEqual([gatedOwner.slice('engine-'.length)]);

    const heldWorkspace = await newWorkspace();
    const held = await byName.get('engine-e')!.trigger(heldWorkspace, heldPipeline(uniqueId('vault-')));
    await peers.allocateVersion(held, '1.0.0');
    const heldOwner = await ownerOf(sql, held);
    await waitFor(() => existsSync(join(heldWorkspace, 'hold.pid')), { timeoutMs: 30_000, description: 'the task' });
    const [survivorName, survivor] = other(heldOwner);
    await byName.get(heldOwner)!.stop();
    await writeFile(join(heldWorkspace, 'release'), '');
    // Within seconds, not after half a 600 s lease: the stopping engine gave the lease back and said so.
    expect(await survivor.finishedRun(held, 30_000)).toMatchObject({ status: 'success' });
    expect(marks(heldWorkspace, 'hold.marks')).toEqual([heldOwner, survivorName].map((n) => n.slice('engine-'.length)));
    await survivor.stop();
  });
});

/** The engine instance holding the run's lease, once one does. */
async function ownerOf(sql: Client, runId: string): Promise<string> {
  return waitFor(
    async () => {
      const { rows } = await sql.query<{ lease_owner: string | null }>(
        'SELECT lease_owner FROM engine.runs WHERE id = $1',
        [runId],
      );
      return rows[0]?.lease_owner ?? null;
    },
    { timeoutMs: 60_000, description: `run ${runId} executing somewhere` },
  );
}
