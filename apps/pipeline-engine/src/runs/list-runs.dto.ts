import { nameSchema, outcomeSchema } from '@pipewright/contracts';
import { z } from 'zod';
import type { RunStatus } from './run-status';
import type { RunSummaryDto } from './run.dto';

export const RUN_STATUSES = ['queued', 'running', ...outcomeSchema.options] as const satisfies readonly RunStatus[];

/** Where a page of `GET /runs` ended: the last run's creation time and id (newest first). */
export interface RunListCursor {
  createdAt: Date;
  id: string;
}

export function formatRunListCursor(cursor: RunListCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

const cursorSchema = z.string().transform((text, ctx): RunListCursor => {
  const [at = '', id = ''] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) {
    ctx.addIssue({ code: 'custom', message: 'expected a cursor from an earlier answer ("next")' });
    return z.NEVER;
  }
  return { createdAt, id };
});

/** `GET /runs?component=&team=&status=&limit=&after=`; `status` may list several, comma-separated. */
export const listRunsQuerySchema = z.strictObject({
  component: nameSchema.optional(),
  team: nameSchema.optional(),
  status: z
    .string()
    .transform((text) => text.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(RUN_STATUSES, `expected ${RUN_STATUSES.join(', ')} (comma-separated)`)))
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: cursorSchema.optional(),
});
export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;

/** `GET /runs` answer: newest first; `next` asks for the page after this one (null on the last). */
export interface RunListDto {
  runs: RunSummaryDto[];
  next: string | null;
}
