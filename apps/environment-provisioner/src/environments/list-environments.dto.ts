import { z } from 'zod';
import { ENVIRONMENT_STATUSES } from './environment.entity';

/** `GET /environments?runId=&status=&limit=`: newest first. */
export const listEnvironmentsQuery = z.strictObject({
  runId: z.string().min(1).max(200).optional(),
  status: z.enum(ENVIRONMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListEnvironmentsQuery = z.output<typeof listEnvironmentsQuery>;
