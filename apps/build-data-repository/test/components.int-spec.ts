import { uniqueId } from '@pipewright/testing';
import request from 'supertest';
import type { ComponentResponse } from '../src/components/component.dto';
import type { Page } from '../src/pagination/cursor';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

describe('components', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  const put = (name: string, body: object) => request(sut.http).put(`/components/${name}`).send(body);

  it('creates a component with 201, replaces it with 200 and shows it', async () => {
    const name = uniqueId('shop-');

    const created = await put(name, {
      team: 'checkout',
      solution: 'webshop',
      repositoryUrl: 'https://git.example.com/shop.git',
      versionScheme: 'semver',
      versionPattern: '2.4.<n>',
      promotionPath: ['integration', 'production'],
    }).expect(201);
    expect(created.body).toMatchObject({
      name,
      team: 'checkout',
      versionScheme: 'semver',
      versionPattern: '2.4.<n>',
      promotionPath: ['integration', 'production'],
    });

    const replaced = await put(name, { team: 'payments', solution: 'webshop', versionScheme: 'counter' }).expect(200);
    expect(replaced.body).toMatchObject({
      name,
      team: 'payments',
      repositoryUrl: null,
      versionScheme: 'counter',
      versionPattern: null,
      // Replaced without one: the default path.
      promotionPath: ['passed-test', 'qa', 'production'],
    });

    const shown = await request(sut.http).get(`/components/${name}`).expect(200);
    expect(shown.body).toEqual(replaced.body);
  });

  it('answers 400 naming the field for a body it cannot accept', async () => {
    const name = uniqueId('bad-');
    const cases: [object, string][] = [
      [{ solution: 'webshop', versionScheme: 'counter' }, 'team'],
      [{ team: 'checkout', solution: 'webshop', versionScheme: 'semver' }, 'versionPattern'],
      [{ team: 'checkout', solution: 'webshop', versionScheme: 'semver', versionPattern: '2.4' }, 'versionPattern'],
      [
        { team: 'checkout', solution: 'webshop', versionScheme: 'counter', versionPattern: '2.4.<n>' },
        'versionPattern',
      ],
      [{ team: 'checkout', solution: 'webshop', versionScheme: 'calver' }, 'versionScheme'],
      [
        { team: 'checkout', solution: 'webshop', versionScheme: 'counter', promotionPath: ['qa', 'qa'] },
        'promotionPath',
      ],
      [{ team: 'checkout', solution: 'webshop', versionScheme: 'counter', promotionPath: [] }, 'promotionPath'],
      [{ team: 'checkout', solution: 'webshop', versionScheme: 'counter', owner: 'bob' }, ''],
    ];
    for (const [body, path] of cases) {
      const response = await put(name, body).expect(400);
      expect(response.body).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path })] });
    }
    await request(sut.http).get(`/components/${name}`).expect(404);
  });

  it('lists components by name, filtered by team and solution, a page at a time', async () => {
    const team = uniqueId('team-');
    const names = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${team}-${letter}`);
    for (const [i, name] of names.entries()) {
      await put(name, { team, solution: i % 2 === 0 ? 'even' : 'odd', versionScheme: 'counter' }).expect(201);
    }
    await put(uniqueId('other-'), { team: uniqueId('team-'), solution: 'even', versionScheme: 'counter' }).expect(201);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await request(sut.http)
        .get('/components')
        .query({ team, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      const page = response.body as Page<ComponentResponse>;
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);

    const even = await request(sut.http).get('/components').query({ team, solution: 'even' }).expect(200);
    expect((even.body as Page<ComponentResponse>).items.map((c) => c.name)).toEqual([names[0], names[2], names[4]]);
  });

  it('answers 400 naming the parameter for a bad limit, cursor or filter', async () => {
    for (const [query, path] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
      [{ team: '-nope' }, 'team'],
      [{ colour: 'blue' }, ''],
    ] as const) {
      const response = await request(sut.http).get('/components').query(query).expect(400);
      expect(response.body).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path })] });
    }
  });
});
