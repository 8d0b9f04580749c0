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
    responses: {
      200: { description: 'A page of versions', schema: versionPageSchema },
      404: { description: 'Unknown' },
    },
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
    description:
      'Atomic: concurrent callers get distinct, consecutive versions. With a runId it is idempotent. Every new ' +
      'version is announced as `dev.cdeventsx.pipewright-version.allocated.0.1.0` (keyed by the run, or by the ' +
      'component when there is none), with its revision and requester.',
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
    const component = { name: params.name };
    const runId = body.runId ?? null;
    const request = { component, runId, revision: body.revision ?? null, requestedBy: body.requestedBy ?? null };
    // Every new version is announced, with or without a run; a run asking again already had its answer.
    // Without a run, allocation is one statement and commits on its own: the counter row is unlocked within
    // PostgreSQL, not when this process, busy with other requests, gets round to sending COMMIT.
    const { version, created } =
      runId === null
        ? await this.versions.allocate(this.dataSource.manager, request)
        : await this.dataSource.transaction((manager) => this.versions.allocate(manager, request));
    if (version.component !== component.name) throw new RunVersionedElsewhere(runId!, version.component);
    response.status(created ? 201 : 200);
    return toVersionResponse(version);
  }
}
