import {
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  ENVIRONMENT_FAILED,
  EnvironmentCreated,
  EnvironmentDeleted,
  EnvironmentFailed,
  PIPELINE_RUN_QUEUED,
  PipelineRunQueued,
  VERSION_ALLOCATED,
  newCDEvent,
  sourceOf,
  toCloudEventHeaders,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventResponse } from '../src/events/list-events.dto';
import type { Page } from '../src/pagination/cursor';
import { aRun, attributesOf, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

const source = sourceOf('environment-provisioner');

function environmentEvents(runId: string, component: string) {
  const envId = randomUUID();
  const tags = { service: component, team: 'checkout', solution: 'webshop', environment: 'test', size: 'small' };
  const owner = { runId, component, driver: 'local-process', lifetime: 'ephemeral' as const };
  return {
    created: newCDEvent(
      ENVIRONMENT_CREATED,
      source,
      { id: envId, source, content: { name: 'test' } },
      { ...owner, tags, resources: [] },
    ),
    deleted: newCDEvent(
      ENVIRONMENT_DELETED,
      source,
      { id: envId, source, content: { name: 'test' } },
      { ...owner, tags, deletedAt: '2026-11-22T10:05:00.000Z', resources: [] },
    ),
    failed: newCDEvent(
      ENVIRONMENT_FAILED,
      source,
      { id: randomUUID(), source, content: { name: 'qa', reason: 'no capacity' } },
      owner,
    ),
  };
}

describe('event log', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  async function list(query: Record<string, string | number>): Promise<Page<EventResponse>> {
    return (await request(sut.http).get('/events').query(query).expect(200)).body as Page<EventResponse>;
  }

  it('logs every CDEvent type on the topic, once per CloudEvent, including our answers', async () => {
    const run = aRun({ component: uniqueId('logged-') });
    const env = environmentEvents(run.runId, run.component);
    // With a field the contract does not know (a newer producer's): validation drops it, the log keeps it.
    const queuedEvent = { ...queued(run), extension: { note: 'kept' } };
    // Delivered twice with the same CloudEvent id: a redelivery.
    const headers = toCloudEventHeaders(attributesOf(queuedEvent, run.runId));
    for (let i = 0; i < 2; i++) {
      await sut.engine.sendRaw(PipelineRunQueued.topic, {
        key: run.runId,
        value: JSON.stringify(queuedEvent),
        headers,
      });
    }
    await sut.engine.publishDirect(EnvironmentCreated, env.created);
    await sut.engine.publishDirect(EnvironmentDeleted, env.deleted);
    await sut.engine.publishDirect(EnvironmentFailed, env.failed);

    const logged = await waitFor(
      async () => {
        const page = await list({ runId: run.runId });
        return page.items.length >= 5 && page;
      },
      { description: 'five events of the run in the log' },
    );

    // Newest first by arrival; the environment events share the run's partition, so they follow its order.
    expect(logged.items.map((e) => e.type).sort()).toEqual(
      [ENVIRONMENT_CREATED, ENVIRONMENT_DELETED, ENVIRONMENT_FAILED, PIPELINE_RUN_QUEUED, VERSION_ALLOCATED].sort(),
    );
    const loggedQueued = logged.items.filter((e) => e.type === PIPELINE_RUN_QUEUED);
    expect(loggedQueued).toHaveLength(1);
    expect(loggedQueued[0]!.event).toEqual(queuedEvent);
    const created = logged.items.find((e) => e.type === ENVIRONMENT_CREATED)!;
    expect(created).toMatchObject({
      subject: env.created.subject.id,
      runId: run.runId,
      component: run.component,
      time: env.created.context.timestamp,
      event: { context: { id: env.created.context.id, source }, customData: { driver: 'local-process' } },
    });
    const seqs = logged.items.map((e) => e.seq);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it('filters by type, subject, component and time, a page at a time', async () => {
    const component = uniqueId('filtered-');
    const runs = [aRun({ component }), aRun({ component }), aRun({ component })];
    const times = ['2026-11-20T08:00:00.000Z', '2026-11-21T08:00:00.000Z', '2026-11-22T08:00:00.000Z'];
    // Runs are keyed to different partitions: one at a time, so they arrive in this order.
    for (const [i, run] of runs.entries()) {
      await sut.engine.publishDirect(PipelineRunQueued, queued(run, times[i]));
      await waitFor(async () => (await list({ subject: run.runId })).items.length === 1, {
        description: `run ${i + 1} in the log`,
      });
    }

    const queuedOnly = { component, type: PIPELINE_RUN_QUEUED };
    const first = await list({ ...queuedOnly, limit: 2 });
    const second = await list({ ...queuedOnly, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((e) => e.subject)).toEqual([
      runs[2]!.runId,
      runs[1]!.runId,
      runs[0]!.runId,
    ]);
    expect(second.nextCursor).toBeNull();

    expect((await list({ subject: runs[1]!.runId })).items.map((e) => e.type)).toEqual([PIPELINE_RUN_QUEUED]);
    const window = await list({ ...queuedOnly, from: times[1]!, to: times[2]! });
    expect(window.items.map((e) => e.subject)).toEqual([runs[1]!.runId]);
  });

  it('tells apart components whose hashes collide (the filter indexes are keyed by hash)', async () => {
    // hashtext('collides-26772') = hashtext('collides-79041'), found by searching; checked here first.
    const [pair] = await sut.dataSource.query<[{ same: boolean }]>(
      `SELECT hashtext('collides-26772') = hashtext('collides-79041') AS same`,
    );
    expect(pair.same).toBe(true);
    const runs = [aRun({ component: 'collides-26772' }), aRun({ component: 'collides-79041' })];
    for (const run of runs) await sut.engine.publishDirect(PipelineRunQueued, queued(run));
    for (const run of runs)
      await waitFor(async () => (await list({ subject: run.runId })).items.length === 1, {
        description: `the run of ${run.component} in the log`,
      });

    for (const [i, run] of runs.entries()) {
      const page = await list({ component: run.component, type: PIPELINE_RUN_QUEUED });
      expect(page.items.map((e) => [e.component, e.subject])).toEqual([[run.component, runs[i]!.runId]]);
    }
  });

  it('answers 400 naming the parameter for bad filters', async () => {
    for (const [query, path] of [
      [{ from: 'now' }, 'from'],
      [{ component: '../etc' }, 'component'],
      [{ cursor: 'xyz' }, 'cursor'],
      [{ limit: '-1' }, 'limit'],
      [{ kind: 'x' }, ''],
    ] as const) {
      const response = await request(sut.http).get('/events').query(query).expect(400);
      expect(response.body).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path })] });
    }
  });
});
