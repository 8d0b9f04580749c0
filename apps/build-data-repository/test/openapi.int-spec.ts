import request from 'supertest';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(60_000);

interface Operation {
  summary?: string;
  parameters: { name: string; in: string; required: boolean }[];
  responses: Record<string, unknown>;
}

describe('/docs', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('serves an OpenAPI 3.1 document of the routes, generated from their zod schemas', async () => {
    const response = await request(sut.http).get('/docs/openapi.json').expect(200);
    const paths = response.body.paths as Record<string, Record<string, Operation>>;

    expect(response.body.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/components', 'get'],
      ['/components/{name}', 'get'],
      ['/components/{name}', 'put'],
      ['/components/{name}/versions', 'get'],
      ['/components/{name}/versions', 'post'],
      ['/runs', 'get'],
      ['/runs/{id}', 'get'],
      ['/events', 'get'],
      ['/events/stream', 'get'],
      ['/deployments', 'get'],
      ['/incidents', 'get'],
    ] as const) {
      expect(paths[path]?.[method]?.summary).toEqual(expect.any(String));
    }
    const listRuns = paths['/runs']!.get!;
    expect(listRuns.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      'query:component:false',
      'query:team:false',
      'query:status:false',
      'query:outcome:false',
      'query:revision:false',
      'query:from:false',
      'query:to:false',
      'query:limit:false',
      'query:cursor:false',
    ]);
    expect(Object.keys(listRuns.responses)).toEqual(['200', '400']);
    expect(paths['/deployments']!.get!.parameters.map((p) => p.name)).toEqual([
      'component',
      'team',
      'environment',
      'limit',
      'cursor',
      'kind',
      'from',
      'to',
    ]);
    expect(Object.keys(paths['/incidents']!.get!.responses)).toEqual(['200', '400']);
    expect(paths['/events/stream']!.get!.responses['200']).toMatchObject({ content: { 'text/event-stream': {} } });
    expect(paths['/docs']).toBeUndefined();
  });

  it('serves Swagger UI over the document', async () => {
    const page = await request(sut.http).get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('/docs/openapi.json');

    await request(sut.http).get('/docs/assets/swagger-ui-bundle.js').expect(200);
    await request(sut.http).get('/docs/assets/package.json').expect(404);
  });
});
