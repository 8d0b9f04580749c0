import { Controller, Get, Post, Res } from '@nestjs/common';
import { ZodBody, ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { componentParamsSchema, type ComponentParams } from '../components/component.dto';
import { ComponentService } from '../components/component.service';
import { ApiRoute } from '../openapi/api-route.decorator';
import type { Page } from '../pagination/cursor';
import {
  allocateVersionBodySchema,
  listVersionsQuerySchema,
  toVersionResponse,
  versionPageSchema,
  versionSchema,
  type AllocateVersionBody,
  type ListVersionsQuery,
  type VersionResponse,
} from './version.dto';
import { RunVersionedElsewhere } from './version.errors';
import { VersionService } from './version.service';

@Controller('components/:name/versions')
export class ComponentVersionsController {
  constructor(
    private readonly components: ComponentService,
    private readonly versions: VersionService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiRoute({
    summary: 'Versions of a component, newest first',
    params: componentParamsSchema,
    query: listVersionsQuerySchema,
    responses: { 200: { description: 'A page of versions', schema: versionPageSchema }, 404: { description: 'Unknown' } },
  })
  async list(
    @ZodParams(componentParamsSchema) params: ComponentParams,
    @ZodQuery(listVersionsQuerySchema) query: ListVersionsQuery,
  ): Promise<Page<VersionResponse>> {
    const component = await this.components.get(params.name);
    return this.versions.listForComponent(component.name, query);
  }

  @Post()
  @ApiRoute({
    summary: 'Allocate the next version (for tools outside Pipewright)',
    description: 'Atomic: concurrent callers get distinct, consecutive versions. With a runId it is idempotent.',
    params: componentParamsSchema,
    body: allocateVersionBodySchema,
    responses: {
      201: { description: 'Allocated', schema: versionSchema },
      200: { description: 'The run already had this version', schema: versionSchema },
      404: { description: 'Unknown component' },
      409: { description: 'The run already has a version of another component' },
    },
  })
  async allocate(
    @ZodParams(componentParamsSchema) params: ComponentParams,
    @ZodBody(allocateVersionBodySchema) body: AllocateVersionBody,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<VersionResponse> {
    const component = await this.components.get(params.name);
    const runId = body.runId ?? null;
    const request = { component, runId, revision: body.revision ?? null };
    const { version, created } =
      runId === null
        ? // One statement that commits on its own: the counter row is locked for the shortest possible time.
          await this.versions.allocate(this.dataSource.manager, request)
        : await this.dataSource.transaction(async (manager) => {
            const allocation = await this.versions.allocate(manager, request);
            // Announced like a Pipewright run's version; the event names a run, so only when there is one.
            if (allocation.created) await this.versions.announce(manager, allocation.version, runId);
            return allocation;
          });
    if (version.component !== component.name) throw new RunVersionedElsewhere(runId!, version.component);
    response.status(created ? 201 : 200);
    return toVersionResponse(version);
  }
}
