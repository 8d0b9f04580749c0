import { Topics, VERSION_ALLOCATED, type VersionAllocated } from '@pipewright/contracts';
import { uniqueId } from '@pipewright/testing';
import request from 'supertest';
import type { Page } from '../src/pagination/cursor';
import type { VersionResponse } from '../src/versions/version.dto';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(120_000);

describe('POST /components/:name/versions', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  async function aComponent(scheme: { versionScheme: string; versionPattern?: string } = { versionScheme: 'counter' }) {
    const name = uniqueId('tool-');
    await request(sut.http)
      .put(`/components/${name}`)
      .send({ team: 'checkout', solution: 'webshop', ...scheme })
      .expect(201);
    return name;
  }

  const allocate = async (name: string, body: object = {}, status = 201) =>
    (await request(sut.http).post(`/components/${name}/versions`).send(body).expect(status)).body as VersionResponse;

  /** The first `pipewright-version.allocated` whose content matches. */
  const announcement = (matches: (content: VersionAllocated['subject']['content']) => boolean) =>
    sut.tap.waitFor(
      (m) =>
        m.topic.endsWith(Topics.cdevents) &&
        m.attributes?.type === VERSION_ALLOCATED &&
        matches((m.data as VersionAllocated).subject.content),
      { description: 'a version allocation announced' },
    );

  /** The versions announced for the component, as written to the outbox, in the order they were written. */
  const announcedInOutbox = async (name: string) =>
    (
      await sut.dataSource.query<{ subject: string; payload: VersionAllocated }[]>(
        `SELECT subject, payload FROM outbox WHERE type = $1 AND payload #>> '{subject,content,component}' = $2 ORDER BY id`,
        [VERSION_ALLOCATED, name],
      )
    ).map((row) => ({
      subject: row.subject,
      id: row.payload.subject.id,
      version: row.payload.subject.content.version,
    }));

  const scheme = (name: string, versionPattern: string) =>
    request(sut.http)
      .put(`/components/${name}`)
      .send({ team: 'checkout', solution: 'webshop', versionScheme: 'semver', versionPattern })
      .expect(200);

  it('hands 50 concurrent clients allocating 20 versions each the versions 1 to 1000, each once', async () => {
    const name = await aComponent();

    const perClient = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const mine: number[] = [];
        for (let i = 0; i < 20; i++) mine.push(Number((await allocate(name)).version));
        return mine;
      }),
    );

    const all = perClient.flat().sort((a, b) => a - b);
    expect(new Set(all).size).toBe(1000);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // Each client's own versions increase: it never sees a number older than one it already got.
    for (const mine of perClient) expect([...mine].sort((a, b) => a - b)).toEqual(mine);
    // Each announced once, with its own version, in the order the numbers were taken.
    const announced = await announcedInOutbox(name);
    expect(announced.map((a) => Number(a.version))).toEqual(all);
    for (const a of announced) expect([a.subject, a.id]).toEqual([`${name}@${a.version}`, `${name}@${a.version}`]);
  });

  it('counts the <n> part of a semver pattern; a new pattern starts a new series, an old one continues', async () => {
    const name = await aComponent({ versionScheme: 'semver', versionPattern: '2.4.<n>' });

    const versions = [(await allocate(name)).version, (await allocate(name)).version];
    await scheme(name, '2.5.<n>');
    versions.push((await allocate(name)).version);
    await scheme(name, '2.4.<n>');
    versions.push((await allocate(name)).version);

    expect(versions).toEqual(['2.4.0', '2.4.1', '2.5.0', '2.4.2']);
  });

  it('skips a version another series already handed out instead of handing it out twice', async () => {
    const name = await aComponent({ versionScheme: 'semver', versionPattern: '<n>.0.0' });

    const versions = [(await allocate(name)).version, (await allocate(name)).version];
    await scheme(name, '1.<n>.0');
    versions.push((await allocate(name)).version);

    expect(versions).toEqual(['0.0.0', '1.0.0', '1.1.0']);
    // The skipped number was neither recorded nor announced.
    expect((await announcedInOutbox(name)).map((a) => a.version)).toEqual(['0.0.0', '1.0.0', '1.1.0']);
  });

  it('links the version to its revision and run, answers a repeated run with the same version, and announces it', async () => {
    const name = await aComponent();
    const runId = uniqueId('jenkins-');

    const first = await allocate(name, { runId, revision: 'c0ffee1' }, 201);
    const again = await allocate(name, { runId, revision: 'c0ffee1' }, 200);
    const other = await allocate(name, { revision: 'c0ffee2' }, 201);

    expect(first).toMatchObject({ component: name, version: '1', runId, revision: 'c0ffee1' });
    expect(again).toEqual(first);
    expect(other).toMatchObject({ version: '2', runId: null, revision: 'c0ffee2' });
    const announced = await announcement((content) => content.runId === runId);
    expect((announced.data as VersionAllocated).subject.content).toEqual({
      component: name,
      version: '1',
      runId,
      revision: 'c0ffee1',
    });
  });

  it('announces a version allocated without a run, keyed by the component, with its revision and requester', async () => {
    const name = await aComponent();

    const allocated = await allocate(name, { revision: 'd00d5e1', requestedBy: 'jenkins-nightly' }, 201);

    expect(allocated).toMatchObject({ version: '1', runId: null, revision: 'd00d5e1', requestedBy: 'jenkins-nightly' });
    const announced = await announcement((content) => content.component === name);
    expect((announced.data as VersionAllocated).subject.content).toEqual({
      component: name,
      version: '1',
      revision: 'd00d5e1',
      requestedBy: 'jenkins-nightly',
    });
    expect(announced.attributes.partitionkey).toBe(name);
    expect(announced.attributes.subject).toBe(`${name}@1`);
    expect((announced.data as VersionAllocated).subject.id).toBe(`${name}@1`);
    const listed = (await request(sut.http).get(`/components/${name}/versions`).expect(200))
      .body as Page<VersionResponse>;
    expect(listed.items).toEqual([allocated]);
  });

  it('refuses a run id that already has a version of another component', async () => {
    const name = await aComponent();
    const runId = uniqueId('jenkins-');
    await allocate(name, { runId }, 201);

    const elsewhere = await request(sut.http)
      .post(`/components/${await aComponent()}/versions`)
      .send({ runId })
      .expect(409);
    expect(elsewhere.body).toMatchObject({ code: 'version.conflict', details: { runId, component: name } });
  });

  it('lists versions newest first, a page at a time', async () => {
    const name = await aComponent();
    for (let i = 0; i < 5; i++) await allocate(name);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await request(sut.http)
        .get(`/components/${name}/versions`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      const page = response.body as Page<VersionResponse>;
      seen.push(...page.items.map((v) => v.version));
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toEqual(['5', '4', '3', '2', '1']);
  });

  it('answers 404 for an unknown component and 400 naming the field for a bad body', async () => {
    const unknown = uniqueId('never-declared-');
    const notFound = await request(sut.http).post(`/components/${unknown}/versions`).send({}).expect(404);
    expect(notFound.body).toMatchObject({ code: 'component.not_found', details: { component: unknown } });
    // Nothing was counted, recorded or announced for it.
    const [counted] = await sut.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM version_counters WHERE component = $1`,
      [unknown],
    );
    expect(counted!.n).toBe(0);
    expect(await announcedInOutbox(unknown)).toEqual([]);
    const name = await aComponent();

    const response = await request(sut.http).post(`/components/${name}/versions`).send({ revision: '' }).expect(400);
    expect(response.body).toMatchObject({
      code: 'request.invalid',
      details: [expect.objectContaining({ path: 'revision' })],
    });
  });
});
