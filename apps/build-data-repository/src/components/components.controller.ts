import { Controller, Get, Put, Res } from '@nestjs/common';
import { ZodBody, ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import type { Page } from '../pagination/cursor';
import {
  componentParamsSchema,
  componentSchema,
  putComponentBodySchema,
  toComponentResponse,
  type ComponentParams,
  type ComponentResponse,
  type PutComponentBody,
} from './component.dto';
import { ComponentService } from './component.service';
import { componentPageSchema, listComponentsQuerySchema, type ListComponentsQuery } from './list-components.dto';

@Controller('components')
export class ComponentsController {
  constructor(private readonly components: ComponentService) {}

  @Get()
  @ApiRoute({
    summary: 'List components by name, filtered by team and solution',
    query: listComponentsQuerySchema,
    responses: { 200: { description: 'A page of components', schema: componentPageSchema } },
  })
  list(@ZodQuery(listComponentsQuerySchema) query: ListComponentsQuery): Promise<Page<ComponentResponse>> {
    return this.components.list(query);
  }

  @Get(':name')
  @ApiRoute({
    summary: 'One component',
    params: componentParamsSchema,
    responses: { 200: { description: 'The component', schema: componentSchema }, 404: { description: 'Unknown' } },
  })
  async get(@ZodParams(componentParamsSchema) params: ComponentParams): Promise<ComponentResponse> {
    return toComponentResponse(await this.components.get(params.name));
  }

  @Put(':name')
  @ApiRoute({
    summary: 'Create or replace a component (owner, repository, version scheme)',
    description: 'A new semver pattern starts a new version series; versions already allocated are kept.',
    params: componentParamsSchema,
    body: putComponentBodySchema,
    responses: {
      200: { description: 'Replaced', schema: componentSchema },
      201: { description: 'Created', schema: componentSchema },
    },
  })
  async put(
    @ZodParams(componentParamsSchema) params: ComponentParams,
    @ZodBody(putComponentBodySchema) body: PutComponentBody,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<ComponentResponse> {
    const { component, created } = await this.components.put(params.name, body);
    response.status(created ? 201 : 200);
    return toComponentResponse(component);
  }
}
