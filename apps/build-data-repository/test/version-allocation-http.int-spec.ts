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
    const announced = await sut.tap.waitFor(
      (m) =>
        m.topic.endsWith(Topics.cdevents) &&
        m.attributes?.type === VERSION_ALLOCATED &&
        (m.data as VersionAllocated).subject.content.runId === runId,
      { description: 'the announcement of the allocation' },
    );
    expect((announced.data as VersionAllocated).subject.content).toEqual({
      component: name,
      version: '1',
      runId,
      revision: 'c0ffee1',
    });

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
    await request(sut.http).post('/components/never-declared/versions').send({}).expect(404);
    const name = await aComponent();

    const response = await request(sut.http).post(`/components/${name}/versions`).send({ revision: '' }).expect(400);
    expect(response.body).toMatchObject({
      code: 'request.invalid',
      details: [expect.objectContaining({ path: 'revision' })],
    });
  });
});
