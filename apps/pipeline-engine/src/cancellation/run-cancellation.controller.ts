import { Controller, HttpCode, Post } from '@nestjs/common';
import { actingName, type Caller, CurrentCaller, ZodBody, ZodParams } from '@pipewright/service-runtime';
import {
  cancelRunBodySchema,
  cancelRunParamsSchema,
  type CancelRunBody,
  type CancelRunDto,
  type CancelRunParams,
} from './cancel-run.dto';
import { RunCancellationService } from './run-cancellation.service';

@Controller('runs/:id')
export class RunCancellationController {
  constructor(private readonly cancellation: RunCancellationService) {}

  /**
   * Cancels a queued or running run (202: a running one is cancelled by the instance executing it).
   * 404 for an unknown run, 403 for another team's, 409 for a finished one.
   */
  @Post('cancel')
  @HttpCode(202)
  cancel(
    @ZodParams(cancelRunParamsSchema) params: CancelRunParams,
    @ZodBody(cancelRunBodySchema) body: CancelRunBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CancelRunDto> {
    const by = actingName(caller, body.by, 'canceller');
    return this.cancellation.cancel(
      params.id,
      { ...(by ? { by } : {}), ...(body.reason ? { reason: body.reason } : {}) },
      caller,
    );
  }
}
