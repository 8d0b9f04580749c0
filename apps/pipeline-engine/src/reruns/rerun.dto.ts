import { z } from 'zod';
import type { RunStatus } from '../runs/run-status';

export const rerunParamsSchema = z.object({ id: z.uuid() });
export type RerunParams = z.output<typeof rerunParamsSchema>;

/** `POST /runs/:id/rerun`. `by` says who re-runs when bearer tokens are off; with tokens, the token does. */
export const rerunBodySchema = z.strictObject({
  by: z.string().min(1).max(200).optional(),
});
export type RerunBody = z.output<typeof rerunBodySchema>;

/** The answer: the new run, and which stages it takes over from the run it re-runs. */
export interface RerunDto {
  id: string;
  status: RunStatus;
  /** The re-run run. */
  of: string;
  version: string | null;
  /** Stages that succeeded there: their results and outputs are reused, they do not run again. */
  reusedStages: string[];
}
