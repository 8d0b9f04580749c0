import { Controller, HttpCode, Post } from '@nestjs/common';
import { type Caller, CurrentCaller, ValidationError, ZodBody, ZodParams } from '@pipewright/service-runtime';
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
    return this.approvals.decide(params.id, params.stage, 'approved', approver(caller, body), body.comment, caller);
  }

  /** Fails a stage that waits for approval (what needs it is skipped); `comment` says why. */
  @Post('reject')
  @HttpCode(200)
  reject(
    @ZodParams(approvalParamsSchema) params: ApprovalParams,
    @ZodBody(decisionBodySchema) body: DecisionBody,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordedDecision> {
    return this.approvals.decide(params.id, params.stage, 'rejected', approver(caller, body), body.comment, caller);
  }
}

/** Who decides: the token's name when tokens are on (nobody may speak for someone else), else the body's `by`. */
function approver(caller: Caller, body: DecisionBody): string | undefined {
  if (caller.kind === 'open') return body.by;
  if (body.by !== undefined && body.by !== caller.name)
    throw new ValidationError('request body', [
      { path: 'by', message: `the approver is the bearer token's owner (${caller.name}); leave "by" out` },
    ]);
  return caller.name;
}
