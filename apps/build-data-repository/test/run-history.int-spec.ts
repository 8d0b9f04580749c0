import type { CloudEventAttributes, Outcome } from '@pipewright/contracts';
import { uniqueId } from '@pipewright/testing';
import request from 'supertest';
import type { Page } from '../src/pagination/cursor';
import type { RunSummary } from '../src/runs/list-runs.dto';
import type { RunDetails } from '../src/runs/run-details.dto';
import { RunRecorder } from '../src/runs/run-recorder.service';
import {
  aRun,
  aTask,
  attributesOf,
  finished,
  queued,
  started,
  taskFinished,
  taskStarted,
  type RunFixture,
} from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

type Recordable = { data: unknown; attributes: CloudEventAttributes };

describe('run history', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  /** Records events the way the ingest consumer does, one batch per call. */
  const record = (...events: { subject: { id: string }; context: { type: string; timestamp: string } }[]) =>
    sut.dataSource.transaction((manager) =>
      sut.app.get(RunRecorder).record(
        manager,
        events.map((event): Recordable => ({ data: event, attributes: attributesOf(event, event.subject.id) })),
      ),
    );

  const minute = (n: number) => `2026-11-22T10:${String(n).padStart(2, '0')}:00.000Z`;

  /** A run queued at minute `n`; finished with `outcome` unless that is undefined (then it runs). */
  async function aRunAt(n: number, run: RunFixture, outcome?: Outcome) {
    await record(queued(run, minute(n)), started(run, '1', minute(n)));
    if (outcome) await record(finished(run, outcome, minute(n + 1)));
    return run.runId;
  }

  async function pages(query: Record<string, string | number>): Promise<string[][]> {
    const result: string[][] = [];
    let cursor: string | null = null;
    do {
      const response = await request(sut.http)
        .get('/runs')
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .expect(200);
      const page = response.body as Page<RunSummary>;
      result.push(page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    return result;
  }

  it('lists runs newest first with each filter, a page at a time', async () => {
    const team = uniqueId('team-');
    const shop = uniqueId('shop-');
    const cart = uniqueId('cart-');
    const ids = {
      shopOld: await aRunAt(1, aRun({ team, component: shop, revision: 'r1' }), 'success'),
      cartFailed: await aRunAt(2, aRun({ team, component: cart, revision: 'r2' }), 'failure'),
      shopFailed: await aRunAt(3, aRun({ team, component: shop, revision: 'r2' }), 'failure'),
      cartRunning: await aRunAt(4, aRun({ team, component: cart, revision: 'r3' })),
      shopNew: await aRunAt(5, aRun({ team, component: shop, revision: 'r3' }), 'success'),
    };
    await aRunAt(6, aRun({ team: uniqueId('team-'), component: shop, revision: 'r3' }), 'success');

    expect(await pages({ team, limit: 2 })).toEqual([
      [ids.shopNew, ids.cartRunning],
      [ids.shopFailed, ids.cartFailed],
      [ids.shopOld],
    ]);
    expect((await pages({ team, component: shop })).flat()).toEqual([ids.shopNew, ids.shopFailed, ids.shopOld]);
    expect((await pages({ team, status: 'running' })).flat()).toEqual([ids.cartRunning]);
    expect((await pages({ team, outcome: 'failure' })).flat()).toEqual([ids.shopFailed, ids.cartFailed]);
    expect((await pages({ team, revision: 'r2' })).flat()).toEqual([ids.shopFailed, ids.cartFailed]);
    // from is inclusive, to exclusive.
    expect((await pages({ team, from: minute(2), to: minute(4) })).flat()).toEqual([ids.shopFailed, ids.cartFailed]);

    const [first] = (await request(sut.http).get('/runs').query({ team, component: shop, limit: 1 }).expect(200)).body
      .items as RunSummary[];
    expect(first).toMatchObject({
      id: ids.shopNew,
      component: shop,
      team,
      revision: 'r3',
      version: '3',
      status: 'finished',
      outcome: 'success',
      queuedAt: minute(5),
      finishedAt: minute(6),
    });
  });

  it('keeps pages stable while new runs arrive', async () => {
    const team = uniqueId('team-');
    const ids = [];
    for (let n = 10; n < 15; n++) ids.push(await aRunAt(n, aRun({ team, component: uniqueId('c-') }), 'success'));

    const firstPage = (await request(sut.http).get('/runs').query({ team, limit: 2 }).expect(200))
      .body as Page<RunSummary>;
    // Arrive between two page requests: one newer than everything, one in the middle of the next page.
    await aRunAt(30, aRun({ team, component: uniqueId('c-') }), 'success');
    const rest = await pages({ team, limit: 2, cursor: firstPage.nextCursor! });

    expect(firstPage.items.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(rest.flat()).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('answers 400 naming the parameter for bad filters', async () => {
    for (const [query, path] of [
      [{ status: 'lost' }, 'status'],
      [{ outcome: 'meh' }, 'outcome'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: minute(5), to: minute(1) }, 'to'],
      [{ limit: '500' }, 'limit'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ component: 'no spaces' }, 'component'],
    ] as const) {
      const response = await request(sut.http).get('/runs').query(query).expect(400);
      expect(response.body).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path })] });
    }
  });

  it('shows one run with its graph as executed: stages in definition order, every attempt, skipped stages', async () => {
    const run = aRun({ component: uniqueId('graph-') });
    const definition = {
      name: run.pipelineName,
      stages: [
        {
          name: 'build',
          tasks: [
            { name: 'compile', run: 'make' },
            { name: 'lint', run: 'make lint' },
          ],
        },
        { name: 'test', tasks: [{ name: 'unit', run: 'make test' }] },
        { name: 'deploy', tasks: [{ name: 'ship', run: './ship' }] },
      ],
    };
    const compile = aTask({ stage: 'build', taskName: 'compile' });
    const lint = aTask({ stage: 'build', taskName: 'lint' });
    const unit1 = aTask({ stage: 'test', taskName: 'unit', attempt: 1 });
    const unit2 = aTask({ stage: 'test', taskName: 'unit', attempt: 2 });
    const queuedEvent = queued(run, '2026-11-22T10:00:00.000Z');

    // Out of order across batches: tasks first, the queued event (with the definition) last.
    await record(
      taskStarted(run, compile, '2026-11-22T10:00:02.000Z'),
      taskFinished(run, compile, 'success', {
        startedAt: '2026-11-22T10:00:02.000Z',
        timestamp: '2026-11-22T10:00:05.000Z',
      }),
      taskFinished(run, lint, 'success', {
        startedAt: '2026-11-22T10:00:02.500Z',
        timestamp: '2026-11-22T10:00:04.000Z',
      }),
    );
    await record(
      taskFinished(run, unit1, 'error', {
        startedAt: '2026-11-22T10:00:06.000Z',
        timestamp: '2026-11-22T10:00:07.000Z',
        exitCode: 137,
      }),
      taskStarted(run, unit2, '2026-11-22T10:00:08.000Z'),
      taskFinished(run, unit2, 'failure', {
        startedAt: '2026-11-22T10:00:08.000Z',
        timestamp: '2026-11-22T10:00:11.000Z',
        exitCode: 1,
      }),
      finished(run, 'failure', '2026-11-22T10:00:12.000Z'),
      started(run, '1', '2026-11-22T10:00:01.000Z'),
    );
    const queuedWithDefinition = { ...queuedEvent, customData: { ...queuedEvent.customData, definition } };
    await record(queuedWithDefinition);

    const response = await request(sut.http).get(`/runs/${run.runId}`).expect(200);
    const body = response.body as RunDetails;
    expect(body).toMatchObject({ status: 'finished', outcome: 'failure', version: '1', definition });
    expect(
      body.stages.map(({ taskRuns, ...stage }) => ({
        ...stage,
        tasks: taskRuns.map((t) => `${t.taskName}#${t.attempt}`),
      })),
    ).toEqual([
      {
        name: 'build',
        position: 0,
        status: 'finished',
        outcome: 'success',
        taskCount: 2,
        tasksStarted: 2,
        tasksFinished: 2,
        startedAt: '2026-11-22T10:00:02.000Z',
        finishedAt: '2026-11-22T10:00:05.000Z',
        durationMs: 3_000,
        tasks: ['compile#1', 'lint#1'],
      },
      {
        name: 'test',
        position: 1,
        status: 'finished',
        // The second attempt counts: it failed.
        outcome: 'failure',
        taskCount: 1,
        tasksStarted: 1,
        tasksFinished: 1,
        startedAt: '2026-11-22T10:00:06.000Z',
        finishedAt: '2026-11-22T10:00:11.000Z',
        durationMs: 5_000,
        tasks: ['unit#1', 'unit#2'],
      },
      {
        name: 'deploy',
        position: 2,
        status: 'skipped',
        outcome: null,
        taskCount: 1,
        tasksStarted: 0,
        tasksFinished: 0,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        tasks: [],
      },
    ]);
    expect(body.stages[1]!.taskRuns[0]).toMatchObject({
      id: unit1.taskRunId,
      attempt: 1,
      outcome: 'error',
      exitCode: 137,
      errors: 'exit code 137',
      durationMs: 1_000,
    });
  });
});
