import { z } from 'zod';

/**
 * Where a reader of a run's log is: per task run (by its place in the run, stages then tasks in order)
 * the last `seq` it has, `<index>:<seq>` pairs joined by commas, unseen tasks left out. Per task, not one
 * position in the run's line order, because lines of parallel tasks are written by concurrent
 * transactions: a later line may become visible before an earlier one, and must not be skipped.
 */
export type LogCursor = ReadonlyMap<number, number>;

const CURSOR = /^(\d{1,6}:\d{1,10})(,\d{1,6}:\d{1,10})*$/;

export function formatCursor(cursor: LogCursor): string {
  return [...cursor]
    .sort(([a], [b]) => a - b)
    .map(([index, seq]) => `${index}:${seq}`)
    .join(',');
}

function parseCursor(text: string): LogCursor | undefined {
  if (text === '') return new Map();
  if (!CURSOR.test(text)) return undefined;
  return new Map(text.split(',').map((pair) => pair.split(':').map(Number) as [number, number]));
}

export const runLogsParamsSchema = z.object({ id: z.uuid() });

/** `GET /runs/:id/logs?after=&limit=&task=` */
export const runLogsQuerySchema = z.strictObject({
  after: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const cursor = parseCursor(text);
      if (cursor === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected a cursor from an earlier answer ("next")' });
        return z.NEVER;
      }
      return cursor;
    }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** One task's lines only: `<stage>.<task>`, or the task's name when no other stage has a task by that name. */
  task: z.string().min(1).max(400).optional(),
});
export type RunLogsQuery = z.output<typeof runLogsQuerySchema>;

/** A line of a task's output (secrets masked), in the order the run's tasks wrote them. */
export interface RunLogLineDto {
  taskRunId: string;
  stage: string;
  task: string;
  /** The line's number in its task run's output, from 1, over all attempts. */
  seq: number;
  stream: 'stdout' | 'stderr';
  time: string;
  text: string;
}

/** Lines of a task run that left the tail (only the last lines are kept) before this reader got them. */
export interface DroppedLinesDto {
  taskRunId: string;
  stage: string;
  task: string;
  lines: number;
}

/** `GET /runs/:id/logs` answer. */
export interface RunLogPageDto {
  lines: RunLogLineDto[];
  dropped: DroppedLinesDto[];
  /** Ask with `after=<next>` for the lines after these (also when there were none yet). */
  next: string;
  /** More lines were there than `limit`: ask again at once. */
  more: boolean;
}
