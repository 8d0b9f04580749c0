import { z } from 'zod';
import { nameSchema } from '../common';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const LOG_LINES = 'dev.pipewright.logs.lines.0.1.0';

/** Hard cap per line so one runaway line cannot make a message too large for Kafka. */
export const MAX_LOG_LINE_LENGTH = 16_384;

export const logLineSchema = z.object({
  /** Position of the line in its task run's output, from 1; consumers order and de-duplicate by it. */
  seq: z.number().int().positive(),
  time: z.iso.datetime({ offset: true }),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string().max(MAX_LOG_LINE_LENGTH),
});
export type LogLine = z.infer<typeof logLineSchema>;

/** A batch of consecutive output lines of one task run (batched: logs are the high-volume topic). */
export const logLinesSchema = z.object({
  runId: z.string().min(1),
  taskRunId: z.string().min(1),
  taskName: z.string().min(1),
  stage: nameSchema,
  component: nameSchema,
  team: nameSchema,
  lines: z.array(logLineSchema).min(1),
});
export type LogLines = z.infer<typeof logLinesSchema>;

export const LogLines = defineMessage({
  type: LOG_LINES,
  topic: Topics.logs,
  schema: logLinesSchema,
  key: (l) => l.taskRunId,
  subject: (l) => l.taskRunId,
});
