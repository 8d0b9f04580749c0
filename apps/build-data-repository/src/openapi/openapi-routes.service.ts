import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { API_ROUTE, type ApiRouteSpec } from './api-route.decorator';
import type { DiscoveredRoute } from './openapi-document';

/** Routes this service excludes from its own document (the docs themselves). */
export const HIDDEN_FROM_DOCS = Symbol('pipewright:hidden-from-docs');

function joinPaths(...parts: (string | undefined)[]): string {
  const joined = parts
    .flatMap((part) => (part ?? '').split('/'))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/** Every route of every controller in the app, read from Nest's own routing metadata. */
@Injectable()
export class OpenApiRoutesService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  routes(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller || Reflect.getMetadata(HIDDEN_FROM_DOCS, controller)) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        const spec = Reflect.getMetadata(API_ROUTE, handler) as ApiRouteSpec | undefined;
        for (const prefix of [base].flat()) {
          for (const suffix of [path].flat()) {
            routes.push({ method: RequestMethod[method], path: joinPaths(prefix, suffix), ...(spec ? { spec } : {}) });
          }
        }
      }
    }
    return routes;
  }
}
