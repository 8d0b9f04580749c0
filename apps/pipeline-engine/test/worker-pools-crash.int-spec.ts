import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TASK_RUN_FINISHED, TASK_RUN_STARTED } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import type { RunDto } from '../src/runs/run.dto';
import { ensureBuilt, type EngineProcess } from './support/engine-process';
import { EngineTestbed } from './support/engine-testbed';
import { cdevent } from './support/peers';
import { WorkerProcess, cliDir } from './support/worker-process';

jest.setTimeout(120_000);

/** Lines the task appended to `<file>` in the workspace. */
function marks(workspace: string, file: string): string[] {
  const path = join(workspace, file);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/**
 * Not idempotent (run twice, the migration would apply twice), on the pool's worker; it runs until the
 * test creates `release` in the workspace.
 */
function pipeline(component: string): string {
  return `component: ${component}
team: team-pools
solution: web
pipeline:
  name: pooled-migration
  stages:
    - name: deploy
      tasks:
        - name: migrate
          pool: linux
          run: |
            echo $$ > migrate.pid
            while [ ! -f release ]; do sleep 0.1; done
            echo done >> migrate.count
`;
}

/**
 * An engine process `kill -9`ed while a worker runs a pool task, then started again on the same
 * database: the attempt the worker runs is followed to its result, not run again and not failed.
 */
describe('pipeline-engine after a crash, with worker pools', () => {
  let bed: EngineTestbed;
  let worker: WorkerProcess;

  beforeAll(async () => {
    ensureBuilt(cliDir);
    // The engine restarts as itself (a StatefulSet pod): it takes its runs back without waiting for their leases.
    bed = await EngineTestbed.open('worker-crash', {
      PIPEWRIGHT_ENGINE_INSTANCE_ID: 'engine-worker-crash',
      PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS: '2',
    });
    const { KAFKA_BROKERS = '', KAFKA_TOPIC_PREFIX = '' } = bed.env;
    worker = await WorkerProcess.start(
      'worker-crash',
      ['--pool', 'linux', '--concurrency', '2'],
      { KAFKA_BROKERS, KAFKA_TOPIC_PREFIX },
      join(bed.logDir, 'worker.log'),
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await bed?.close(['migrate.pid']);
  });

  /** A run of the pipeline, under `engine`, whose task runs on the worker by now. */
  async function runningOnTheWorker(engine: EngineProcess, version: string) {
    const workspace = await bed.workspace('worker-crash-');
    const runId = await engine.trigger(workspace, pipeline(uniqueId('ledger-')));
    await bed.peers.allocateVersion(runId, version);
    await waitFor(() => existsSync(join(workspace, 'migrate.pid')), {
      timeoutMs: 60_000,
      description: 'the task running on the worker',
    });
    return { runId, workspace, release: () => writeFile(join(workspace, 'release'), '') };
  }

  /** What a user sees: the run succeeded, its task ran once, as attempt 1, announced started and finished once. */
  async function expectRanOnce(run: RunDto, workspace: string): Promise<void> {
    expect(run).toMatchObject({ status: 'success', errors: null });
    expect(run.stages[0]?.tasks[0]).toMatchObject({ name: 'migrate', status: 'success', attempt: 1 });
    expect(marks(workspace, 'migrate.count')).toEqual(['done']);
    expect(worker.lines.filter((line) => line.includes(`started deploy.migrate of run ${run.id}`))).toHaveLength(1);
    await bed.peers.eventOf(TASK_RUN_FINISHED, run.id);
    // The outbox delivers at least once (the killed engine may not have marked a message sent): distinct ids.
    for (const type of [TASK_RUN_STARTED, TASK_RUN_FINISHED]) {
      const announced = bed.peers
        .eventsOf(type, run.id)
        .filter((m) => cdevent(m).subject.content.taskName === 'migrate');
      expect(new Set(announced.map((m) => m.attributes.id)).size).toBe(1);
    }
  }

  // One crash for both cases: an engine restart after kill -9 waits out Kafka's session timeout (10 s).
  it('follows the attempts its worker runs: one finished while no engine ran, one still running at the restart', async () => {
    const first = await bed.startEngine();
    const doneMeanwhile = await runningOnTheWorker(first, '1.0.0');
    const stillRunning = await runningOnTheWorker(first, '2.0.0');

    await first.kill();
    await doneMeanwhile.release();
    await worker.printed(`finished deploy.migrate of run ${doneMeanwhile.runId} (attempt 1): success`);
    const restarted = await bed.startEngine();
    await stillRunning.release();

    await expectRanOnce(await restarted.finishedRun(doneMeanwhile.runId), doneMeanwhile.workspace);
    await expectRanOnce(await restarted.finishedRun(stillRunning.runId), stillRunning.workspace);
    await restarted.stop();
  });
});
