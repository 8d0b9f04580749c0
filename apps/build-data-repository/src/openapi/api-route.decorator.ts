import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** One documented response: a JSON body (zod schema), another content type, or none. */
export interface ApiResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to `application/json` when there is a schema. */
  contentType?: string;
}

/**
 * What OpenAPI says about one route. The method and path come from Nest's own decorators, so they
 * cannot drift; the schemas are the zod schemas the route validates with (and answers with).
 */
export interface ApiRouteSpec {
  summary: string;
  description?: string;
  /** Defaults to the first segment of the controller's path. */
  tags?: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ApiResponseSpec>;
}

export const API_ROUTE = Symbol('pipewright:api-route');

/**
 * Documents a controller method in the OpenAPI document served at `/docs`:
 *
 * ```ts
 * @Get()
 * @ApiRoute({ summary: 'List runs', query: listRunsQuerySchema, responses: { 200: { description: 'A page', schema: runPageSchema } } })
 * list(@ZodQuery(listRunsQuerySchema) query: ListRunsQuery) { ... }
 * ```
 */
export const ApiRoute = (spec: ApiRouteSpec): MethodDecorator => SetMetadata(API_ROUTE, spec);
