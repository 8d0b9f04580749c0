import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ZodBody, ZodParams } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  promoteSchema,
  promotionPathSchema,
  promotionStepSchema,
  versionParamsSchema,
  type Promote,
  type PromotionPath,
  type PromotionStep,
  type VersionParams,
} from './promotion.dto';
import { PromotionService } from './promotion.service';

@Controller('components/:name/versions/:version/promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionService) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Record that a version reached an environment or stage',
    description:
      'Announced as `dev.cdeventsx.pipewright-version.promoted.0.1.0`. Promotions follow the component’s ' +
      '`promotionPath` (PUT /components/:name; default passed-test -> qa -> production), which starts after ' +
      'the version was built: a version may go to a step once it reached the step before (a promotion there, ' +
      'or a deployed/upgraded event), never skipping one, and to an earlier or reached step again. A version ' +
      'whose run did not succeed, or that was rolled back (a rollback replaced it where it was current), is ' +
      'promoted no further. Refusals are 409 `promotion.conflict` with `details.reason` (`step_missing` with ' +
      '`details.missing`, `not_on_path`, `failed`, `rolled_back`).',
    tags: ['promotions'],
    params: versionParamsSchema,
    body: promoteSchema,
    responses: {
      201: { description: 'The promotion as recorded', schema: promotionStepSchema },
      404: { description: 'No such component or version' },
      409: { description: 'Not along the component’s path, or the version failed or was rolled back' },
    },
  })
  promote(
    @ZodParams(versionParamsSchema) params: VersionParams,
    @ZodBody(promoteSchema) body: Promote,
  ): Promise<PromotionStep> {
    return this.promotions.promote(params.name, params.version, body);
  }

  @Get()
  @ApiRoute({
    summary: "A version's path through environments",
    description: 'Recorded promotions and reported deployments (service.deployed|upgraded|rolledback), oldest first.',
    tags: ['promotions'],
    params: versionParamsSchema,
    responses: {
      200: { description: 'The path', schema: promotionPathSchema },
      404: { description: 'No such component or version' },
    },
  })
  path(@ZodParams(versionParamsSchema) params: VersionParams): Promise<PromotionPath> {
    return this.promotions.path(params.name, params.version);
  }
}
