import type { EntityManager } from 'typeorm';
import { RunRecorder } from '../src/runs/run-recorder.service';
import { aRun, aTask, attributesOf, taskFinished, taskStarted } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(60_000);

/**
 * Runs and task runs keep room on their pages (RoomForRunUpdates migration), so that an update changing no
 * indexed column stays on its row's page (HOT) instead of adding an entry to every index.
 */
describe('room for run updates', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  const updatesOfTaskRuns = async (manager: EntityManager) => {
    const [row] = await manager.query<{ updated: number; hot: number }[]>(
      `SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot
       FROM pg_stat_xact_user_tables WHERE schemaname = 'builddata' AND relname = 'task_runs'`,
    );
    return row!;
  };

  it('finishes in place the task runs whose start an earlier batch wrote, page after page', async () => {
    const run = aRun();
    const tasks = Array.from({ length: 400 }, (_, i) => aTask({ taskName: `task-${i}` }));
    // One in five, spread over every page: about the share of task runs whose start and finish come in
    // different batches when 500 runs are in flight (the ingest bench). The others are inserted finished.
    const finishedLater = tasks.filter((_, i) => i % 5 === 0);
    const messagesOf = (events: { context: { type: string; timestamp: string }; subject: { id: string } }[]) =>
      events.map((data) => ({ data, attributes: attributesOf(data, run.runId) }));
    const recorder = sut.app.get(RunRecorder);

    // Counted within one transaction (pg_stat_xact_user_tables): nothing else writes in it.
    const updates = await sut.dataSource.transaction(async (manager) => {
      await recorder.recordRuns(manager, messagesOf(tasks.map((task) => taskStarted(run, task))));
      await recorder.recordRuns(manager, messagesOf(finishedLater.map((task) => taskFinished(run, task, 'success'))));
      return updatesOfTaskRuns(manager);
    });

    expect(updates.updated).toBe(finishedLater.length);
    // Packed full (fillfactor 100) none of them stays in place; with the room, a few still find it taken by
    // their neighbours' finishes (77 of 80 measured).
    expect(updates.hot).toBeGreaterThanOrEqual(finishedLater.length * 0.75);
  });

  it('leaves room on the pages of both tables', async () => {
    const options = await sut.dataSource.query<{ relname: string; reloptions: string[] }[]>(
      `SELECT relname, reloptions FROM pg_class
       WHERE relnamespace = 'builddata'::regnamespace AND relname IN ('runs', 'task_runs') ORDER BY relname`,
    );

    expect(options).toEqual([
      { relname: 'runs', reloptions: ['fillfactor=80'] },
      { relname: 'task_runs', reloptions: ['fillfactor=80'] },
    ]);
  });
});
