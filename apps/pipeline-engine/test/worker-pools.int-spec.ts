import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  TASK_ASSIGNED,
  TASK_ASSIGNMENT_FINISHED,
  TaskAssignmentFinished,
  deadLetterTopic,
  tasksTopic,
} from '@pipewright/contracts';
import { DeadLetterHeaders, EventTap } from '@pipewright/event-bus';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { RunDto } from '../src/runs/run.dto';
import { startEngineApp } from './support/engine-app';
import { ensureBuilt } from './support/engine-process';
import { killProcessGroup } from './support/engine-testbed';
import { Peers } from './support/peers';
import { WorkerProcess, cliDir } from './support/worker-process';

jest.setTimeout(120_000);

/** Seconds without a heartbeat before the engine takes a worker for lost: short, so the tests are. */
const LEASE_SECONDS = 2;

/**
 * Tasks with `pool: linux` run on `pipewright worker --pool linux` processes: the engine in this
 * process, the workers as real processes, real Kafka and Postgres in between.
 */
describe('pipeline-engine with worker pools', () => {
  let app: INestApplication;
  let db: PostgresService;
  let peers: Peers;
  let workerEnv: Record<string, string>;
  let logDir: string;
  const workers: WorkerProcess[] = [];
  const workspaces: string[] = [];

  beforeAll(async () => {
    ensureBuilt(cliDir);
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    const prefix = topicPrefix();
    workerEnv = { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix };
    logDir = await mkdtemp(join(tmpdir(), 'worker-pools-logs-'));
    app = await startEngineApp({
      DATABASE_URL: db.url,
      ...workerEnv,
      PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
      PIPEWRIGHT_ENGINE_WORKER_ACCEPT_SECONDS: '5',
    });
    peers = await Peers.open(brokers, prefix);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    // Tasks of killed workers outlive them (their own process groups): end them.
    for (const workspace of workspaces) killProcessGroup(join(workspace, 'task.pid'));
    await peers?.close();
    await app?.close();
    await db?.drop();
    for (const dir of [...workspaces, logDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function startWorker(id: string, pool = 'linux'): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(id, ['--pool', pool], workerEnv, join(logDir, 'workers.log'));
    workers.push(worker);
    return worker;
  }

  async function trigger(tasks: string): Promise<{ runId: string; workspace: string }> {
    const workspace = await mkdtemp(join(tmpdir(), 'worker-pools-'));
    workspaces.push(workspace);
    const pipelineYaml = `component: ${uniqueId('pooled-')}
team: team-pools
solution: web
pipeline:
  name: pooled
  stages:
    - name: build
      tasks:
${tasks}`;
    const response = await request(app.getHttpServer() as Server)
      .post('/runs')
      .send({ workspace, pipelineYaml })
      .expect(201);
    const runId = (response.body as { id: string }).id;
    await peers.allocateVersion(runId, '1.0.0');
    return { runId, workspace };
  }

  async function finishedRun(runId: string): Promise<RunDto> {
    return waitFor(
      async () => {
        const response = await request(app.getHttpServer() as Server)
          .get(`/runs/${runId}`)
          .expect(200);
        const run = response.body as RunDto;
        return run.finishedAt !== null ? run : null;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: `run ${runId} finished` },
    );
  }

  const taskOf = (run: RunDto, name: string) => run.stages[0]?.tasks.find((t) => t.name === name);
  const read = (workspace: string, file: string) => readFileSync(join(workspace, file), 'utf8').trim();
  const started = (workspace: string) =>
    waitFor(() => existsSync(join(workspace, 'task.pid')), { timeoutMs: 60_000, description: 'the pool task running' });

  async function assignmentsOf(runId: string) {
    return app
      .get(DataSource)
      .query<{ status: string; abandon_reason: string | null; heartbeat_at: Date | null }[]>(
        'SELECT status, abandon_reason, heartbeat_at FROM engine.task_assignments WHERE run_id = $1 ORDER BY assigned_at',
        [runId],
      );
  }

  it('runs a pool task on the worker: its lines reach pipewright.logs, its outputs the next local task', async () => {
    const worker = await startWorker('worker-a');
    const { runId, workspace } = await trigger(`        - name: compile
          pool: linux
          outputs: [image]
          run: |
            echo "$PIPEWRIGHT_WORKER_ID" > ran-on.txt
            echo $PPID > compile.parent
            echo "building on $PIPEWRIGHT_WORKER_ID"
            echo image=app-7 >> "$PIPEWRIGHT_OUTPUT"
        - name: publish
          run: |
            echo $PPID > publish.parent
            echo "publishing \${{ tasks.compile.outputs.image }}"
`);

    const run = await finishedRun(runId);

    expect(run.status).toBe('success');
    expect(read(workspace, 'ran-on.txt')).toBe('worker-a');
    // The pool task's shell is the worker process's child; the local one is the engine's.
    expect(Number(read(workspace, 'compile.parent'))).toBe(worker.pid);
    expect(Number(read(workspace, 'publish.parent'))).toBe(process.pid);
    expect(taskOf(run, 'compile')?.outputs).toEqual({ image: 'app-7' });
    await waitFor(() => peers.logLinesOf(runId, 'publish').length > 0, { description: 'publish lines' });
    expect(peers.logLinesOf(runId, 'compile').map((l) => [l.seq, l.text])).toEqual([[1, 'building on worker-a']]);
    expect(peers.logLinesOf(runId, 'publish').map((l) => l.text)).toEqual(['publishing app-7']);
  });

  it('fails the run when a pool task fails on its worker', async () => {
    const { runId } = await trigger(`        - name: compile
          pool: linux
          run: echo "no compiler here" >&2; exit 3
`);

    const run = await finishedRun(runId);

    expect(run.status).toBe('failure');
    expect(taskOf(run, 'compile')).toMatchObject({ status: 'failure', exitCode: 3 });
  });

  it('assigns an idempotent task again when its worker dies under it, and another worker finishes it', async () => {
    const { runId, workspace } = await trigger(`        - name: warm-cache
          pool: linux
          idempotent: true
          run: |
            echo "$PIPEWRIGHT_WORKER_ID" >> workers.txt
            if [ "$PIPEWRIGHT_WORKER_ID" = worker-a ]; then echo $$ > task.pid; sleep 60; fi
            echo "warmed by $PIPEWRIGHT_WORKER_ID"
`);
    await waitFor(() => existsSync(join(workspace, 'task.pid')), {
      timeoutMs: 60_000,
      description: 'task on worker-a',
    });

    await workers[0]?.kill();
    await startWorker('worker-b');
    const run = await finishedRun(runId);

    expect(run.status).toBe('success');
    expect(read(workspace, 'workers.txt').split('\n')).toEqual(['worker-a', 'worker-b']);
    expect(peers.logLinesOf(runId, 'warm-cache').map((l) => l.text)).toContain('warmed by worker-b');
  });

  it('fails a task that is not idempotent when its worker dies under it, naming the worker', async () => {
    const { runId, workspace } = await trigger(`        - name: migrate
          pool: linux
          run: echo $$ > task.pid; echo run >> migrate.count; sleep 60
`);
    await waitFor(() => existsSync(join(workspace, 'task.pid')), {
      timeoutMs: 60_000,
      description: 'task on worker-b',
    });

    await workers[1]?.kill();
    const run = await finishedRun(runId);

    expect(run.status).toBe('failure');
    expect(taskOf(run, 'migrate')?.errors).toBe(
      'worker worker-b stopped answering while running it; not idempotent, so not run again',
    );
    expect(read(workspace, 'migrate.count')).toBe('run');
  });

  it('does not run a task again when its worker dies while another assignment waits for its slot', async () => {
    await peers.bus.ensureTopics([tasksTopic('sparc')]);
    const tap = await EventTap.open(peers.bus, [tasksTopic('sparc')]);
    try {
      // Whichever runs first on worker-sparc-1 holds its one slot until the worker dies.
      const migrate = `echo "$PIPEWRIGHT_WORKER_ID" >> migrate.count; [ "$PIPEWRIGHT_WORKER_ID" = worker-sparc-2 ] || { echo $$ > task.pid; sleep 60; }`;
      const { runId, workspace } = await trigger(`        - parallel:
            - name: migrate-users
              pool: sparc
              run: ${migrate}
            - name: migrate-orders
              pool: sparc
              run: ${migrate}
`);
      // Both assignments wait on the topic, so the worker fetches them together: it runs one, the other waits.
      await waitFor(
        () =>
          tap.messages.filter((m) => m.attributes.type === TASK_ASSIGNED && m.attributes.partitionkey === runId)
            .length === 2,
        { description: 'both assignments published' },
      );
      const first = await startWorker('worker-sparc-1', 'sparc');
      await first.printed('waits for a free slot');
      await started(workspace);

      await first.kill();
      await startWorker('worker-sparc-2', 'sparc');
      const run = await finishedRun(runId);

      // The task worker-sparc-1 ran is not idempotent: it failed with it, and did not run again.
      expect(run.status).toBe('failure');
      expect(run.stages[0]?.tasks.filter((t) => t.status === 'failure').map((t) => t.errors)).toEqual([
        'worker worker-sparc-1 stopped answering while running it; not idempotent, so not run again',
      ]);
      expect(read(workspace, 'migrate.count').split('\n')).toEqual(['worker-sparc-1', 'worker-sparc-2']);
    } finally {
      await tap.close();
    }
  });

  it('fails a pool task nobody accepts within its timeout, saying so, and a worker started later does not run it', async () => {
    const { runId, workspace } = await trigger(`        - name: render
          pool: gpu
          timeout: 2s
          run: echo rendered > rendered.txt
`);

    const run = await finishedRun(runId);

    expect(run.status).toBe('failure');
    expect(taskOf(run, 'render')).toMatchObject({
      status: 'failure',
      timedOut: true,
      errors:
        'timed out after 2s: no worker of pool "gpu" accepted the task within its timeout (2s); is "pipewright worker --pool gpu" running?',
    });
    expect(await assignmentsOf(runId)).toMatchObject([{ status: 'abandoned' }]);
    const late = await startWorker('worker-gpu', 'gpu');
    await late.printed(`skipped build.render of run ${runId}`);
    expect(existsSync(join(workspace, 'rendered.txt'))).toBe(false);
  });

  it('drains on SIGTERM: the running task finishes and is reported, one waiting is handed back, exit code 0', async () => {
    const worker = await startWorker('worker-arm-1', 'arm');
    const first = await trigger(`        - name: package
          pool: arm
          run: |
            echo $$ > task.pid
            while [ ! -f release ]; do sleep 0.1; done
            echo "packaged by $PIPEWRIGHT_WORKER_ID"
`);
    await started(first.workspace);
    // A second task for the pool while the worker's one slot is taken: it waits for the slot.
    const second = await trigger(`        - name: package
          pool: arm
          run: echo "$PIPEWRIGHT_WORKER_ID" > ran-on.txt
`);
    await worker.printed(`build.package of run ${second.runId} waits for a free slot`);

    const exited = worker.stop();
    await worker.printed(`handed build.package of run ${second.runId} back to the pool`);
    await worker.printed('waiting for 1 running task(s) to finish');
    const [{ now: stoppedAt }] = await app.get(DataSource).query<[{ now: Date }]>('SELECT now()');
    // Heartbeats go on while it drains: a whole lease passes and the engine still holds the task as running.
    await waitFor(
      async () => {
        const [assignment] = await assignmentsOf(first.runId);
        const heartbeatAt = assignment?.heartbeat_at?.getTime() ?? 0;
        return assignment?.status === 'accepted' && heartbeatAt - stoppedAt.getTime() >= LEASE_SECONDS * 1000;
      },
      { description: 'a heartbeat a lease after SIGTERM' },
    );
    await writeFile(join(first.workspace, 'release'), '');

    expect(await exited).toBe(0);
    const firstRun = await finishedRun(first.runId);
    expect(firstRun.status).toBe('success');
    expect(peers.logLinesOf(first.runId, 'package').map((l) => l.text)).toEqual(['packaged by worker-arm-1']);
    expect(worker.lines.filter((line) => line.includes(`started build.package of run ${second.runId}`))).toEqual([]);
    expect(await assignmentsOf(second.runId)).toMatchObject([{ status: 'assigned' }]);

    // Handed back, not lost: the pool's next worker runs it.
    await startWorker('worker-arm-2', 'arm');
    expect((await finishedRun(second.runId)).status).toBe('success');
    expect(read(second.workspace, 'ran-on.txt')).toBe('worker-arm-2');
  });

  it('cancels the task on its worker when the engine gives it up (the worker went silent past its lease)', async () => {
    const worker = await startWorker('worker-mac', 'mac');
    const { runId, workspace } = await trigger(`        - name: notarize
          pool: mac
          run: echo $$ > task.pid; sleep 30; echo notarized > notarized.txt
`);
    await started(workspace);
    const taskPid = Number(read(workspace, 'task.pid'));

    worker.pause();
    const run = await finishedRun(runId);
    expect(taskOf(run, 'notarize')?.errors).toBe(
      'worker worker-mac stopped answering while running it; not idempotent, so not run again',
    );
    worker.resume();

    // Back, it learns the engine gave the task up, and kills it rather than finish a failed run's task.
    await worker.printed(`cancelling build.notarize of run ${runId}`);
    await worker.printed(`finished build.notarize of run ${runId} (attempt 1): cancel`);
    expect(() => process.kill(taskPid, 0)).toThrow(/ESRCH/);
    expect(existsSync(join(workspace, 'notarized.txt'))).toBe(false);
  });

  it('dead-letters a worker message that breaks its contract, and goes on', async () => {
    const tap = await EventTap.open(peers.bus, [deadLetterTopic(TaskAssignmentFinished.topic)]);
    try {
      const runId = uniqueId('run-');
      await peers.bus.sendRaw(TaskAssignmentFinished.topic, {
        key: runId,
        value: JSON.stringify({ assignmentId: 'not-a-uuid', runId, workerId: 'worker-x', outcome: 'success' }),
        headers: {
          ce_specversion: '1.0',
          ce_id: uniqueId('message-'),
          ce_source: '/test/worker',
          ce_type: TASK_ASSIGNMENT_FINISHED,
          ce_time: new Date().toISOString(),
          ce_partitionkey: runId,
          'content-type': 'application/json',
        },
      });

      const dead = await tap.waitFor((m) => m.headers['ce_partitionkey'] === runId, { description: 'the dead letter' });
      expect(dead.headers[DeadLetterHeaders.error]).toContain('assignmentId: Invalid UUID');
    } finally {
      await tap.close();
    }
  });
});
