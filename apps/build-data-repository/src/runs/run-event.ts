import {
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  type CloudEventAttributes,
  type PipelineRunFinished,
  type PipelineRunQueued,
  type PipelineRunStarted,
  type TaskRunFinished,
  type TaskRunStarted,
} from '@pipewright/contracts';

/** The events that make runs as executed. */
export type RunEvent =
  | { type: typeof PIPELINE_RUN_QUEUED; event: PipelineRunQueued }
  | { type: typeof PIPELINE_RUN_STARTED; event: PipelineRunStarted }
  | { type: typeof PIPELINE_RUN_FINISHED; event: PipelineRunFinished }
  | { type: typeof TASK_RUN_STARTED; event: TaskRunStarted }
  | { type: typeof TASK_RUN_FINISHED; event: TaskRunFinished };

export const RUN_EVENT_TYPES: ReadonlySet<string> = new Set([
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  PIPELINE_RUN_FINISHED,
  TASK_RUN_STARTED,
  TASK_RUN_FINISHED,
]);

/** A validated message, as consumers hand them over (`BatchMessage` of @pipewright/event-bus fits). */
export interface ValidatedMessage {
  data: unknown;
  attributes: CloudEventAttributes;
}

/** The run event `message` carries, if it is one. Its data was validated against the contract of its type. */
export function asRunEvent(message: ValidatedMessage): RunEvent | undefined {
  if (!RUN_EVENT_TYPES.has(message.attributes.type)) return undefined;
  return { type: message.attributes.type, event: message.data } as RunEvent;
}
