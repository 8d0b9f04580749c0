import { Controller, HttpCode, Post } from '@nestjs/common';
import { actingName, type Caller, CurrentCaller, ZodBody, ZodParams } from '@pipewright/service-runtime';
import { approvalParamsSchema, decisionBodySchema, type ApprovalParams, type DecisionBody } from './approval.dto';
import { ApprovalService, type RecordedDecision } from './approval.service';

@Controller('runs/:id/stages/:stage')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalService) {}

  /** Lets a stage that waits for approval start. 403 when the caller is not an approver, 409 when it is not waiting. */
  @Post('approve')
  @HttpCode(200)
  approve(
    @ZodParams(approvalParamsSchema) params: ApprovalParams,
    @ZodBody(decisionBodySchema) body: DecisionBody,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordedDecision> {
    return this.approvals.decide(
      params.id,
      params.stage,
      'approved',
      actingName(caller, body.by, 'approver'),
      body.comment,
      caller,
    );
  }

  /** Fails a stage that waits for approval (what needs it is skipped); `comment` says why. */
  @Post('reject')
  @HttpCode(200)
  reject(
    @ZodParams(approvalParamsSchema) params: ApprovalParams,
    @ZodBody(decisionBodySchema) body: DecisionBody,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordedDecision> {
    return this.approvals.decide(
      params.id,
      params.stage,
      'rejected',
      actingName(caller, body.by, 'approver'),
      body.comment,
      caller,
    );
  }
}
