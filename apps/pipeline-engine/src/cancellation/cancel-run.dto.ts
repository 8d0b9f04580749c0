import { z } from 'zod';
import type { RunStatus } from '../runs/run-status';

export const cancelRunParamsSchema = z.object({ id: z.uuid() });
export type CancelRunParams = z.output<typeof cancelRunParamsSchema>;

/** `POST /runs/:id/cancel`. `by` says who cancels when bearer tokens are off; with tokens, the token does. */
export const cancelRunBodySchema = z.strictObject({
  by: z.string().min(1).max(200).optional(),
  reason: z.string().min(1).max(2_000).optional(),
});
export type CancelRunBody = z.output<typeof cancelRunBodySchema>;

/** The answer: the run as the request left it. */
export interface CancelRunDto {
  id: string;
  /**
   * `cancel` for a run that had not started (it is over); else the status it still has while the
   * instance executing it cancels it (follow it with GET /runs/:id until it is `cancel`).
   */
  status: RunStatus;
  cancelRequestedAt: string;
  cancelRequestedBy: string | null;
  cancelReason: string | null;
}
