import { Controller, Get } from '@nestjs/common';
import { ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  environmentParamsSchema,
  environmentVersionsQuerySchema,
  environmentVersionsSchema,
  type EnvironmentParams,
  type EnvironmentVersions,
  type EnvironmentVersionsQuery,
} from './promotion.dto';
import { PromotionService } from './promotion.service';

@Controller('environments/:env/versions')
export class EnvironmentVersionsController {
  constructor(private readonly promotions: PromotionService) {}

  @Get()
  @ApiRoute({
    summary: 'Which version of every component is in an environment now',
    description: 'Per component, the version of its latest promotion or deployment to the environment.',
    tags: ['promotions'],
    params: environmentParamsSchema,
    query: environmentVersionsQuerySchema,
    responses: { 200: { description: 'By component name', schema: environmentVersionsSchema } },
  })
  current(
    @ZodParams(environmentParamsSchema) params: EnvironmentParams,
    @ZodQuery(environmentVersionsQuerySchema) query: EnvironmentVersionsQuery,
  ): Promise<EnvironmentVersions> {
    return this.promotions.currentVersions(params.env, query.team);
  }
}
