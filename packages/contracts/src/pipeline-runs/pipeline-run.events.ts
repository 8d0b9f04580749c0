import { z } from 'zod';
import { nameSchema, outcomeSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const PIPELINE_RUN_QUEUED = 'dev.cdevents.pipelinerun.queued.0.3.0';
export const PIPELINE_RUN_STARTED = 'dev.cdevents.pipelinerun.started.0.3.0';
export const PIPELINE_RUN_FINISHED = 'dev.cdevents.pipelinerun.finished.0.3.0';

const pipelineRunContent = z.object({ pipelineName: z.string().min(1), url: z.string().optional() });

export const triggerSchema = z.object({
  type: z.enum(['http', 'webhook', 'schedule', 'upstream', 'cli', 'rerun']),
  by: z.string().optional(),
  /** For a `rerun`: the run it re-runs from its failed stage(s). */
  of: z.string().optional(),
});

/** Who the run belongs to: every pipeline-run event carries it so consumers need no lookups. */
const runOwnership = z.object({ component: nameSchema, team: nameSchema, solution: nameSchema });

export const pipelineRunQueuedSchema = cdeventSchema(
  PIPELINE_RUN_QUEUED,
  pipelineRunContent,
  runOwnership.extend({
    revision: z.string().optional(),
    /**
     * Set when the run continues the version of the run it re-runs (trigger `rerun`): the outputs it
     * reuses were made for that version. The build-data repository records it and allocates none.
     */
    version: z.string().min(1).optional(),
    trigger: triggerSchema,
    /** The resolved pipeline exactly as it will run, so history stays readable after the pipeline changes. */
    definition: z.record(z.string(), z.unknown()),
  }),
);
export type PipelineRunQueued = z.infer<typeof pipelineRunQueuedSchema>;

export const pipelineRunStartedSchema = cdeventSchema(
  PIPELINE_RUN_STARTED,
  pipelineRunContent,
  runOwnership.extend({ version: z.string().min(1) }),
);
export type PipelineRunStarted = z.infer<typeof pipelineRunStartedSchema>;

export const pipelineRunFinishedSchema = cdeventSchema(
  PIPELINE_RUN_FINISHED,
  pipelineRunContent.extend({ outcome: outcomeSchema, errors: z.string().optional() }),
  runOwnership.extend({ version: z.string().optional(), durationMs: z.number().int().nonnegative() }),
);
export type PipelineRunFinished = z.infer<typeof pipelineRunFinishedSchema>;

const byRun = (e: { subject: { id: string } }) => e.subject.id;

export const PipelineRunQueued = defineMessage({
  type: PIPELINE_RUN_QUEUED,
  topic: Topics.cdevents,
  schema: pipelineRunQueuedSchema,
  key: byRun,
  subject: byRun,
});
export const PipelineRunStarted = defineMessage({
  type: PIPELINE_RUN_STARTED,
  topic: Topics.cdevents,
  schema: pipelineRunStartedSchema,
  key: byRun,
  subject: byRun,
});
export const PipelineRunFinished = defineMessage({
  type: PIPELINE_RUN_FINISHED,
  topic: Topics.cdevents,
  schema: pipelineRunFinishedSchema,
  key: byRun,
  subject: byRun,
});
