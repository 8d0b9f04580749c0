import { randomUUID } from 'node:crypto';
import {
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  PipelineRunFinished,
  PipelineRunQueued,
  PipelineRunStarted,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  TaskRunFinished,
  TaskRunStarted,
  newCDEvent,
  parseMessage,
  sourceOf,
  type CloudEventAttributes,
  type MessageData,
  type Outcome,
} from '@pipewright/contracts';

const source = sourceOf('pipeline-engine');

export interface RunFixture {
  runId: string;
  component: string;
  team: string;
  solution: string;
  revision: string;
  pipelineName: string;
}

export function aRun(overrides: Partial<RunFixture> = {}): RunFixture {
  return {
    runId: randomUUID(),
    component: 'shop-api',
    team: 'checkout',
    solution: 'webshop',
    revision: '3f9c2a1',
    pipelineName: 'build-and-deploy',
    ...overrides,
  };
}

/** The same event, stamped with a chosen time so expectations can name it. */
function at<E extends { context: { timestamp: string } }>(event: E, timestamp: string): E {
  return { ...event, context: { ...event.context, timestamp } };
}

export const definitionOf = (run: RunFixture) => ({
  name: run.pipelineName,
  stages: [{ name: 'build', tasks: [{ name: 'compile', run: 'make' }] }],
});

export function queued(run: RunFixture, timestamp = '2026-11-22T10:00:00.000Z'): MessageData<typeof PipelineRunQueued> {
  const event = newCDEvent(
    PIPELINE_RUN_QUEUED,
    source,
    { id: run.runId, source, content: { pipelineName: run.pipelineName } },
    {
      component: run.component,
      team: run.team,
      solution: run.solution,
      revision: run.revision,
      trigger: { type: 'http' as const, by: 'alice' },
      definition: definitionOf(run),
    },
  );
  return parseMessage(PipelineRunQueued, at(event, timestamp));
}

export function started(
  run: RunFixture,
  version: string,
  timestamp = '2026-11-22T10:00:01.000Z',
): MessageData<typeof PipelineRunStarted> {
  const event = newCDEvent(
    PIPELINE_RUN_STARTED,
    source,
    { id: run.runId, source, content: { pipelineName: run.pipelineName } },
    { component: run.component, team: run.team, solution: run.solution, version },
  );
  return parseMessage(PipelineRunStarted, at(event, timestamp));
}

export function finished(
  run: RunFixture,
  outcome: Outcome,
  timestamp = '2026-11-22T10:00:09.000Z',
): MessageData<typeof PipelineRunFinished> {
  const event = newCDEvent(
    PIPELINE_RUN_FINISHED,
    source,
    {
      id: run.runId,
      source,
      content: {
        pipelineName: run.pipelineName,
        outcome,
        ...(outcome === 'success' ? {} : { errors: 'compile failed' }),
      },
    },
    { component: run.component, team: run.team, solution: run.solution, durationMs: 8_000 },
  );
  return parseMessage(PipelineRunFinished, at(event, timestamp));
}

export interface TaskFixture {
  taskRunId: string;
  stage: string;
  taskName: string;
  attempt: number;
}

export function aTask(overrides: Partial<TaskFixture> = {}): TaskFixture {
  return { taskRunId: randomUUID(), stage: 'build', taskName: 'compile', attempt: 1, ...overrides };
}

export function taskStarted(
  run: RunFixture,
  task: TaskFixture,
  timestamp = '2026-11-22T10:00:02.000Z',
): MessageData<typeof TaskRunStarted> {
  const event = newCDEvent(
    TASK_RUN_STARTED,
    source,
    { id: task.taskRunId, source, content: { taskName: task.taskName, pipelineRun: { id: run.runId } } },
    { component: run.component, stage: task.stage, attempt: task.attempt },
  );
  return parseMessage(TaskRunStarted, at(event, timestamp));
}

/** `startedAt` is what the finished event reports as the start; the started event may say a little later. */
export function taskFinished(
  run: RunFixture,
  task: TaskFixture,
  outcome: Outcome,
  { startedAt = '2026-11-22T10:00:02.000Z', timestamp = '2026-11-22T10:00:05.000Z', exitCode = 0 } = {},
): MessageData<typeof TaskRunFinished> {
  const event = newCDEvent(
    TASK_RUN_FINISHED,
    source,
    {
      id: task.taskRunId,
      source,
      content: {
        taskName: task.taskName,
        pipelineRun: { id: run.runId },
        outcome,
        ...(outcome === 'success' ? {} : { errors: `exit code ${exitCode}` }),
      },
    },
    {
      component: run.component,
      stage: task.stage,
      attempt: task.attempt,
      exitCode,
      startedAt,
      durationMs: Date.parse(timestamp) - Date.parse(startedAt),
    },
  );
  return parseMessage(TaskRunFinished, at(event, timestamp));
}

/** Every distinct order of `items` (items equal by identity count once): 90 orders for three pairs. */
export function distinctOrders<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const orders: T[][] = [];
  const tried = new Set<T>();
  items.forEach((item, index) => {
    if (tried.has(item)) return;
    tried.add(item);
    const rest = [...items.slice(0, index), ...items.slice(index + 1)];
    for (const order of distinctOrders(rest)) orders.push([item, ...order]);
  });
  return orders;
}

/**
 * The CloudEvents attributes a publisher would put on `event`: sending the same attributes twice is
 * what a Kafka redelivery looks like to a consumer; fresh attributes are a re-publication.
 */
export function attributesOf(
  event: { context: { type: string; timestamp: string }; subject: { id: string } },
  partitionkey: string,
): CloudEventAttributes {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: event.context.type,
    subject: event.subject.id,
    time: event.context.timestamp,
    partitionkey,
    contentType: 'application/json',
  };
}
