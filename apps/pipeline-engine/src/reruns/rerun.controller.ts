import { Controller, HttpCode, Post } from '@nestjs/common';
import { actingName, type Caller, CurrentCaller, ZodBody, ZodParams } from '@pipewright/service-runtime';
import { rerunBodySchema, rerunParamsSchema, type RerunBody, type RerunDto, type RerunParams } from './rerun.dto';
import { RerunService } from './rerun.service';

@Controller('runs/:id')
export class RerunController {
  constructor(private readonly reruns: RerunService) {}

  /**
   * Re-runs a finished run that did not succeed from its failed stage(s): 201 with the new run. 404 for
   * an unknown run, 403 for another team's, 409 for one still going or that succeeded.
   */
  @Post('rerun')
  @HttpCode(201)
  rerun(
    @ZodParams(rerunParamsSchema) params: RerunParams,
    @ZodBody(rerunBodySchema) body: RerunBody,
    @CurrentCaller() caller: Caller,
  ): Promise<RerunDto> {
    return this.reruns.rerun(params.id, actingName(caller, body.by, 're-runner'), caller);
  }
}
