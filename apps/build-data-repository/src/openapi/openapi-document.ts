import { z } from 'zod';
import type { ApiRouteSpec } from './api-route.decorator';

/** A route Nest serves, with its spec when it has one (undocumented routes are still listed). */
export interface DiscoveredRoute {
  method: string;
  /** Nest style, `/runs/:id`. */
  path: string;
  spec?: ApiRouteSpec;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

/** Every problem answer of the service (service-runtime's ProblemDetailsFilter). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable and machine-readable, e.g. `run.not_found`, `request.invalid`.'),
  message: z.string(),
  details: z.unknown().optional().describe('For `request.invalid`: `[{ path, message }]`, one per bad parameter.'),
});

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/runs/:id` -> `/runs/{id}` */
export function openApiPath(nestPath: string): string {
  return nestPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: ApiRouteSpec | undefined, path: string) {
  const fromSchema = (schema: z.ZodObject, location: 'path' | 'query') =>
    Object.entries(schema.shape).map(([name, field]) => {
      const described = jsonSchema(field as z.ZodType, 'input');
      const { description, ...schemaOnly } = described;
      return {
        name,
        in: location,
        required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
        ...(typeof description === 'string' ? { description } : {}),
        schema: schemaOnly,
      };
    });
  const declared = [
    ...(spec?.params ? fromSchema(spec.params, 'path') : []),
    ...(spec?.query ? fromSchema(spec.query, 'query') : []),
  ];
  // A path parameter nobody described is still a required string.
  const undeclared = [...path.matchAll(/:([A-Za-z0-9_]+)/g)]
    .map((match) => match[1]!)
    .filter((name) => !declared.some((p) => p.in === 'path' && p.name === name))
    .map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  return [...declared, ...undeclared];
}

function responses(spec: ApiRouteSpec | undefined) {
  if (!spec) return { default: { description: 'Not documented yet' } };
  const result: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const contentType = response.contentType ?? 'application/json';
    result[status] = {
      description: response.description,
      ...(response.schema || response.contentType
        ? { content: { [contentType]: response.schema ? { schema: jsonSchema(response.schema, 'output') } : {} } }
        : {}),
    };
  }
  if ((spec.params || spec.query || spec.body) && !result['400']) {
    result['400'] = {
      description: 'Invalid input: `details` names each bad parameter or field',
      content: { 'application/problem+json': { schema: PROBLEM_REF } },
    };
  }
  return result;
}

/** The OpenAPI 3.1 document of `routes` (JSON Schema 2020-12, which zod 4 writes natively). */
export function buildOpenApiDocument(info: OpenApiInfo, routes: readonly DiscoveredRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const spec = route.spec;
    const operation = {
      ...(spec ? { summary: spec.summary } : {}),
      ...(spec?.description ? { description: spec.description } : {}),
      tags: spec?.tags ?? [route.path.split('/').filter(Boolean)[0] ?? 'service'],
      parameters: parameters(spec, route.path),
      ...(spec?.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }
        : {}),
      responses: responses(spec),
    };
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Problem: jsonSchema(problemSchema, 'output') } },
  };
}
