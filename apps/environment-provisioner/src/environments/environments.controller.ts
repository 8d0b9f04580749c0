import { Controller, Get, Param } from '@nestjs/common';
import { ZodQuery } from '@pipewright/service-runtime';
import { EnvironmentService } from './environment.service';
import type { EnvironmentView } from './environment.view';
import { listEnvironmentsQuery, type ListEnvironmentsQuery } from './list-environments.dto';

@Controller('environments')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentService) {}

  /** The environment with its resources; 404 problem when unknown. */
  @Get(':id')
  get(@Param('id') id: string): Promise<EnvironmentView> {
    return this.environments.get(id);
  }

  @Get()
  async list(@ZodQuery(listEnvironmentsQuery) query: ListEnvironmentsQuery): Promise<{ items: EnvironmentView[] }> {
    return { items: await this.environments.list(query) };
  }
}
