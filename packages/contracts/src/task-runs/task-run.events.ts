import { z } from 'zod';
import { nameSchema, outcomeSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const TASK_RUN_STARTED = 'dev.cdevents.taskrun.started.0.3.0';
export const TASK_RUN_FINISHED = 'dev.cdevents.taskrun.finished.0.3.0';

const taskRunContent = z.object({
  taskName: z.string().min(1),
  url: z.string().optional(),
  pipelineRun: z.object({ id: z.string().min(1), source: z.string().optional() }),
});

const taskPlacement = z.object({
  component: nameSchema,
  stage: nameSchema,
  /** 1 for the first attempt; retries count up. */
  attempt: z.number().int().positive(),
});

export const taskRunStartedSchema = cdeventSchema(TASK_RUN_STARTED, taskRunContent, taskPlacement);
export type TaskRunStarted = z.infer<typeof taskRunStartedSchema>;

export const taskRunFinishedSchema = cdeventSchema(
  TASK_RUN_FINISHED,
  taskRunContent.extend({ outcome: outcomeSchema, errors: z.string().optional() }),
  taskPlacement.extend({
    exitCode: z.number().int().nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    durationMs: z.number().int().nonnegative(),
  }),
);
export type TaskRunFinished = z.infer<typeof taskRunFinishedSchema>;

// Keyed by the pipeline run, not the task run, so a run's task events stay in order with its run events.
const byPipelineRun = (e: { subject: { content: { pipelineRun: { id: string } } } }) =>
  e.subject.content.pipelineRun.id;
const byTaskRun = (e: { subject: { id: string } }) => e.subject.id;

export const TaskRunStarted = defineMessage({
  type: TASK_RUN_STARTED,
  topic: Topics.cdevents,
  schema: taskRunStartedSchema,
  key: byPipelineRun,
  subject: byTaskRun,
});
export const TaskRunFinished = defineMessage({
  type: TASK_RUN_FINISHED,
  topic: Topics.cdevents,
  schema: taskRunFinishedSchema,
  key: byPipelineRun,
  subject: byTaskRun,
});
