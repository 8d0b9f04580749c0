import { PipelineRunQueued, Topics, VERSION_ALLOCATED, type VersionAllocated } from '@pipewright/contracts';
import type { TappedMessage } from '@pipewright/event-bus';
import { uniqueId, waitFor } from '@pipewright/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EntityManager } from 'typeorm';
import { ComponentService } from '../src/components/component.service';
import type { Page } from '../src/pagination/cursor';
import type { VersionResponse } from '../src/versions/version.dto';
import { VersionService } from '../src/versions/version.service';
import { aRun, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

const allocationFor = (runId: string) => (m: TappedMessage) =>
  m.topic.endsWith(Topics.cdevents) &&
  m.attributes?.type === VERSION_ALLOCATED &&
  (m.data as VersionAllocated).subject.content.runId === runId;

describe('version allocation', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('answers a queued run with version 1 and the next run of the component with version 2', async () => {
    const component = uniqueId('api-');
    const first = aRun({ component, revision: 'aaa111' });
    const second = aRun({ component, revision: 'bbb222' });

    await sut.engine.publishDirect(PipelineRunQueued, queued(first));
    const firstAllocation = await sut.tap.waitFor(allocationFor(first.runId), { description: 'version of run 1' });
    await sut.engine.publishDirect(PipelineRunQueued, queued(second));
    const secondAllocation = await sut.tap.waitFor(allocationFor(second.runId), { description: 'version of run 2' });

    expect((firstAllocation.data as VersionAllocated).subject).toMatchObject({
      id: `${component}@1`,
      content: { component, version: '1', runId: first.runId, revision: 'aaa111' },
    });
    expect((secondAllocation.data as VersionAllocated).subject).toMatchObject({
      id: `${component}@2`,
      content: { component, version: '2', runId: second.runId, revision: 'bbb222' },
    });
    // Keyed by run, so the engine reads it in order with the run's other events.
    expect(secondAllocation.attributes.partitionkey).toBe(second.runId);

    const response = await request(sut.http).get(`/components/${component}/versions`).expect(200);
    expect(response.body).toEqual({
      items: [
        {
          component,
          version: '2',
          runId: second.runId,
          revision: 'bbb222',
          requestedBy: null,
          allocatedAt: expect.any(String),
        },
        {
          component,
          version: '1',
          runId: first.runId,
          revision: 'aaa111',
          requestedBy: null,
          allocatedAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    const run = await request(sut.http).get(`/runs/${second.runId}`).expect(200);
    expect(run.body).toMatchObject({ id: second.runId, version: '2', status: 'queued', component });
  });

  it('gives 20 runs of one component queued at once the versions 1 to 20, each once', async () => {
    const component = uniqueId('busy-');
    const runs = Array.from({ length: 20 }, () => aRun({ component }));

    await Promise.all(runs.map((run) => sut.engine.publishDirect(PipelineRunQueued, queued(run))));
    const allocations = await Promise.all(
      runs.map((run) => sut.tap.waitFor(allocationFor(run.runId), { description: `version of run ${run.runId}` })),
    );

    const versions = allocations.map((m) => Number((m.data as VersionAllocated).subject.content.version));
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = await request(sut.http).get(`/components/${component}/versions`).expect(200);
    expect((listed.body as Page<VersionResponse>).items.map((v) => v.version)).toEqual(
      Array.from({ length: 20 }, (_, i) => String(20 - i)),
    );
  });

  it('gives queued runs the versions after one another series already handed out, recording and announcing each once', async () => {
    const component = uniqueId('series-');
    const owner = { team: 'checkout', solution: 'webshop' };
    const scheme = (versionPattern: string, status: number) =>
      request(sut.http)
        .put(`/components/${component}`)
        .send({ ...owner, versionScheme: 'semver', versionPattern })
        .expect(status);
    await scheme('<n>.0.0', 201);
    for (const expected of ['0.0.0', '1.0.0']) {
      const body = (await request(sut.http).post(`/components/${component}/versions`).send({}).expect(201))
        .body as VersionResponse;
      expect(body.version).toBe(expected);
    }
    // The new series' first number makes 1.0.0 again: taken, so the runs get the numbers after it.
    await scheme('1.<n>.0', 200);
    const runs = Array.from({ length: 3 }, () => aRun({ component, ...owner }));

    await Promise.all(runs.map((run) => sut.engine.publishDirect(PipelineRunQueued, queued(run))));
    const allocations = await Promise.all(
      runs.map((run) => sut.tap.waitFor(allocationFor(run.runId), { description: `version of run ${run.runId}` })),
    );

    const announced = allocations.map((m) => (m.data as VersionAllocated).subject);
    expect(announced.map((subject) => subject.content.version).sort()).toEqual(['1.1.0', '1.2.0', '1.3.0']);
    expect(announced.map((subject) => subject.id).sort()).toEqual(
      ['1.1.0', '1.2.0', '1.3.0'].map((version) => `${component}@${version}`),
    );
    for (const [i, run] of runs.entries()) {
      const row = (await request(sut.http).get(`/runs/${run.runId}`).expect(200)).body as { version: string };
      expect(row.version).toBe(announced[i]!.content.version);
    }
    const outbox = await sut.dataSource.query<{ subject: string }[]>(
      `SELECT subject FROM outbox WHERE type = $1 AND payload #>> '{subject,content,component}' = $2 ORDER BY id`,
      [VERSION_ALLOCATED, component],
    );
    // 0.0.0 and 1.0.0 of the old series, then each run's once: nothing for the number that was skipped.
    expect(outbox.map((row) => row.subject).sort()).toEqual(
      ['0.0.0', '1.0.0', '1.1.0', '1.2.0', '1.3.0'].map((version) => `${component}@${version}`),
    );
  });

  it('hands 50 concurrent allocations distinct, consecutive numbers, losing none to a rolled-back one', async () => {
    const components = sut.app.get(ComponentService);
    const versions = sut.app.get(VersionService);
    const name = uniqueId('direct-');
    const allocate = async (manager: EntityManager) => {
      const component = await components.register(manager, { name, team: 'checkout', solution: 'webshop' });
      return (await versions.allocateForRun(manager, { component, runId: randomUUID(), revision: null })).version;
    };

    await expect(
      sut.dataSource.transaction(async (manager) => {
        await allocate(manager);
        throw new Error('the run could not be stored');
      }),
    ).rejects.toThrow('the run could not be stored');
    const allocated = await Promise.all(
      Array.from({ length: 50 }, () => sut.dataSource.transaction((manager) => allocate(manager))),
    );

    expect(allocated.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Announced with the version, in its transaction: the rolled-back one was not.
    const announced = await sut.dataSource.query<{ version: string }[]>(
      `SELECT payload #>> '{subject,content,version}' AS version FROM outbox
       WHERE type = $1 AND payload #>> '{subject,content,component}' = $2 ORDER BY id`,
      [VERSION_ALLOCATED, name],
    );
    expect(announced.map((a) => Number(a.version))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('keeps a run at its version when its queued event is published again', async () => {
    const component = uniqueId('again-');
    const run = aRun({ component });
    const event = queued(run);

    await sut.engine.publishDirect(PipelineRunQueued, event);
    await sut.engine.publishDirect(PipelineRunQueued, event);
    const answers = await waitFor(
      () => {
        const seen = sut.tap.messages.filter(allocationFor(run.runId));
        return seen.length === 2 && seen;
      },
      { timeoutMs: 30_000, description: 'an answer to each queued event' },
    );

    expect(answers.map((m) => (m.data as VersionAllocated).subject.content.version)).toEqual(['1', '1']);
    const listed = await request(sut.http).get(`/components/${component}/versions`).expect(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('allocates none for a re-run, which keeps the version of the run it re-runs', async () => {
    const component = uniqueId('rerun-');
    const original = aRun({ component, revision: 'ccc333' });
    await sut.engine.publishDirect(PipelineRunQueued, queued(original));
    await sut.tap.waitFor(allocationFor(original.runId), { description: 'version of the original run' });

    const rerun = aRun({ component, revision: 'ccc333' });
    const event = queued(rerun);
    event.customData = {
      ...event.customData,
      version: '1',
      trigger: { type: 'rerun', by: 'alice', of: original.runId },
    };
    await sut.engine.publishDirect(PipelineRunQueued, event);

    const recorded = await waitFor(
      async () => {
        const response = await request(sut.http).get(`/runs/${rerun.runId}`);
        return response.status === 200 && (response.body as { version: string | null; trigger: unknown });
      },
      { timeoutMs: 30_000, description: 'the re-run recorded' },
    );
    expect(recorded).toMatchObject({ version: '1', trigger: { type: 'rerun', by: 'alice', of: original.runId } });
    const listed = await request(sut.http).get(`/components/${component}/versions`).expect(200);
    expect((listed.body as { items: { version: string; runId: string }[] }).items).toEqual([
      expect.objectContaining({ version: '1', runId: original.runId }),
    ]);
    expect(sut.tap.messages.filter(allocationFor(rerun.runId))).toHaveLength(0);
  });

  it('answers 404 for a component it has never seen', async () => {
    const response = await request(sut.http).get('/components/never-built/versions').expect(404);

    expect(response.body).toMatchObject({ code: 'component.not_found', status: 404 });
  });

  it('answers 400 naming the parameter for a malformed component name', async () => {
    const response = await request(sut.http).get('/components/-bad%20name/versions').expect(400);

    expect(response.body).toMatchObject({ code: 'request.invalid', details: [{ path: 'name' }] });
  });
});
