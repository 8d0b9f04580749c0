import { z } from 'zod';
import { buildOpenApiDocument, openApiPath } from './openapi-document';

describe(buildOpenApiDocument.name, () => {
  const info = { title: 'test', version: '1' };

  it('turns a route’s zod schemas into parameters, a request body and responses', () => {
    const sut = buildOpenApiDocument(info, [
      {
        method: 'POST',
        path: '/components/:name/versions',
        spec: {
          summary: 'Allocate',
          params: z.object({ name: z.string() }),
          query: z.object({ dryRun: z.coerce.boolean().optional(), limit: z.coerce.number().default(5) }),
          body: z.object({ revision: z.string().optional() }),
          responses: { 201: { description: 'Allocated', schema: z.object({ version: z.string() }) } },
        },
      },
    ]);

    const operation = sut.paths['/components/{name}/versions']!.post as Record<string, unknown>;
    expect(operation.summary).toBe('Allocate');
    expect(operation.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'dryRun', in: 'query', required: false, schema: expect.objectContaining({ type: 'boolean' }) },
      { name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ default: 5 }) },
    ]);
    expect(operation.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', properties: { revision: { type: 'string' } } } } },
    });
    expect(operation.responses).toMatchObject({
      201: { content: { 'application/json': { schema: { properties: { version: { type: 'string' } } } } } },
      400: { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    });
  });

  it('still lists a route nobody documented, with its path parameters', () => {
    const sut = buildOpenApiDocument(info, [{ method: 'GET', path: '/health/:kind' }]);

    expect(sut.paths['/health/{kind}']!.get).toMatchObject({
      tags: ['health'],
      parameters: [{ name: 'kind', in: 'path', required: true }],
      responses: { default: { description: 'Not documented yet' } },
    });
  });
});

describe(openApiPath.name, () => {
  it('writes Nest path parameters the OpenAPI way', () => {
    expect(openApiPath('/runs/:id/stages/:name')).toBe('/runs/{id}/stages/{name}');
  });
});
