import { Controller, Get } from '@nestjs/common';
import { ZodParams } from '@pipewright/service-runtime';
import { ComponentService } from '../components/component.service';
import {
  componentVersionsParamsSchema,
  toComponentVersionsResponse,
  type ComponentVersionsParams,
  type ComponentVersionsResponse,
} from './component-versions.dto';
import { VersionService } from './version.service';

@Controller('components/:name/versions')
export class ComponentVersionsController {
  constructor(
    private readonly components: ComponentService,
    private readonly versions: VersionService,
  ) {}

  @Get()
  async list(
    @ZodParams(componentVersionsParamsSchema) params: ComponentVersionsParams,
  ): Promise<ComponentVersionsResponse> {
    const component = await this.components.get(params.name);
    return toComponentVersionsResponse(component.name, await this.versions.listForComponent(component.name));
  }
}
