import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';

export const approvalParamsSchema = z.object({ id: z.uuid(), stage: nameSchema });
export type ApprovalParams = z.output<typeof approvalParamsSchema>;

/** `POST /runs/:id/stages/:stage/approve|reject`. `by` says who decides when bearer tokens are off; with tokens, the token does. */
export const decisionBodySchema = z.strictObject({
  by: z.string().min(1).max(200).optional(),
  comment: z.string().min(1).max(2_000).optional(),
});
export type DecisionBody = z.output<typeof decisionBodySchema>;
