import { Controller, Get } from '@nestjs/common';
import { ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import { doraQuerySchema, doraResponseSchema, type DoraQuery, type DoraResponse } from './dora.dto';
import { DoraService } from './dora.service';

@Controller('dora')
export class DoraController {
  constructor(private readonly dora: DoraService) {}

  @Get()
  @ApiRoute({
    summary: 'DORA metrics of a team, a component or everything over a time range',
    description:
      'Deployment frequency, lead time for changes, change failure rate and time to restore, computed from ' +
      'stored deployment and incident events the way Google’s Four Keys does (medians, daily UTC buckets), ' +
      'each with its DORA performance band.',
    query: doraQuerySchema,
    responses: {
      200: { description: 'The four keys', schema: doraResponseSchema },
      404: { description: 'No such component or team' },
    },
  })
  metrics(@ZodQuery(doraQuerySchema) query: DoraQuery): Promise<DoraResponse> {
    return this.dora.metrics(query);
  }
}
