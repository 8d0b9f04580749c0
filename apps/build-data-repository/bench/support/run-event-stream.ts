import {
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  newCDEvent,
  sourceOf,
  timeOrderedUuid,
  toCloudEventHeaders,
  type CloudEventAttributes,
} from '@pipewright/contracts';

/** A Kafka message as the engine and provisioner publish it (binary-mode CloudEvent). */
export interface BenchMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  id: string;
}

export const STAGES = ['build', 'test', 'deploy'] as const;
export const TASKS_PER_STAGE = 3;
/** queued, started, 2 per task, environment created + deleted, finished. */
export const EVENTS_PER_RUN = 2 + STAGES.length * TASKS_PER_STAGE * 2 + 2 + 1;

const engine = sourceOf('pipeline-engine');
const provisioner = sourceOf('environment-provisioner');

function message(
  event: { context: { id: string; type: string; timestamp: string; source: string } },
  subject: string,
  key: string,
): BenchMessage {
  const attributes: CloudEventAttributes = {
    specversion: '1.0',
    id: timeOrderedUuid(Date.parse(event.context.timestamp)),
    source: event.context.source,
    type: event.context.type,
    subject,
    time: event.context.timestamp,
    partitionkey: key,
    contentType: 'application/json',
  };
  return { key, value: JSON.stringify(event), headers: toCloudEventHeaders(attributes), id: attributes.id };
}

const definition = {
  name: 'build-and-deploy',
  stages: STAGES.map((stage) => ({
    name: stage,
    tasks: Array.from({ length: TASKS_PER_STAGE }, (_, i) => ({ name: `${stage}-${i}`, run: `make ${stage}-${i}` })),
  })),
};

/** Every event of one realistic run, in the order the engine emits them. */
export function runMessages(runNumber: number, startMs: number): BenchMessage[] {
  // Ids as the platform makes them (time-ordered), from the time the bench pretends each thing happened.
  const runId = timeOrderedUuid(startMs);
  const component = `component-${runNumber % 100}`;
  const team = `team-${runNumber % 20}`;
  const owner = { component, team, solution: `solution-${runNumber % 5}` };
  const at = (offsetMs: number) => new Date(startMs + offsetMs).toISOString();
  const run = { id: runId, source: engine, content: { pipelineName: 'build-and-deploy' } };
  const stamp = <E extends { context: { timestamp: string } }>(event: E, offsetMs: number): E => ({
    ...event,
    context: { ...event.context, timestamp: at(offsetMs) },
  });
  const messages: BenchMessage[] = [];
  messages.push(
    message(
      stamp(
        newCDEvent(PIPELINE_RUN_QUEUED, engine, run, {
          ...owner,
          revision: runId.slice(0, 7),
          trigger: { type: 'webhook' as const },
          definition,
        }),
        0,
      ),
      runId,
      runId,
    ),
  );
  messages.push(
    message(
      stamp(newCDEvent(PIPELINE_RUN_STARTED, engine, run, { ...owner, version: String(runNumber) }), 500),
      runId,
      runId,
    ),
  );
  let clock = 1_000;
  const failing = runNumber % 10 === 0;
  for (const stage of STAGES) {
    if (stage === 'deploy') {
      const env = { id: timeOrderedUuid(startMs + clock), source: provisioner, content: { name: `test-${runNumber}` } };
      const tags = { service: component, team, solution: owner.solution, environment: 'test', size: 'small' };
      const envOwner = { runId, component, driver: 'local-process', lifetime: 'ephemeral' as const, tags };
      const resources = [
        { id: timeOrderedUuid(startMs + clock), type: 'process', size: 'small', startedAt: at(clock), tags },
      ];
      messages.push(
        message(
          stamp(newCDEvent(ENVIRONMENT_CREATED, provisioner, env, { ...envOwner, resources }), clock),
          env.id,
          runId,
        ),
      );
      clock += 100;
    }
    for (let i = 0; i < TASKS_PER_STAGE; i++) {
      const task = {
        id: timeOrderedUuid(startMs + clock),
        source: engine,
        content: { taskName: `${stage}-${i}`, pipelineRun: { id: runId } },
      };
      const placement = { component, stage, attempt: 1 };
      const started = clock;
      messages.push(message(stamp(newCDEvent(TASK_RUN_STARTED, engine, task, placement), started), task.id, runId));
      clock += 2_000;
      const outcome = failing && stage === 'test' && i === 2 ? 'failure' : 'success';
      messages.push(
        message(
          stamp(
            newCDEvent(
              TASK_RUN_FINISHED,
              engine,
              {
                ...task,
                content: { ...task.content, outcome, ...(outcome === 'failure' ? { errors: 'exit code 1' } : {}) },
              },
              {
                ...placement,
                exitCode: outcome === 'failure' ? 1 : 0,
                startedAt: at(started),
                durationMs: clock - started,
              },
            ),
            clock,
          ),
          task.id,
          runId,
        ),
      );
    }
  }
  const envId = JSON.parse(messages.find((m) => m.headers.ce_type === ENVIRONMENT_CREATED)!.value) as {
    subject: { id: string; content: { name: string } };
    customData: { resources: { id: string }[]; tags: object };
  };
  messages.push(
    message(
      stamp(
        newCDEvent(
          ENVIRONMENT_DELETED,
          provisioner,
          { id: envId.subject.id, source: provisioner, content: { name: envId.subject.content.name } },
          {
            runId,
            component,
            driver: 'local-process',
            lifetime: 'ephemeral' as const,
            tags: envId.customData.tags as never,
            deletedAt: at(clock),
            resources: envId.customData.resources.map((r) => ({ id: r.id, endedAt: at(clock) })),
          },
        ),
        clock,
      ),
      envId.subject.id,
      runId,
    ),
  );
  const outcome = failing ? 'failure' : 'success';
  messages.push(
    message(
      stamp(
        newCDEvent(
          PIPELINE_RUN_FINISHED,
          engine,
          { ...run, content: { ...run.content, outcome, ...(failing ? { errors: 'test failed' } : {}) } },
          { ...owner, version: String(runNumber), durationMs: clock },
        ),
        clock + 100,
      ),
      runId,
      runId,
    ),
  );
  return messages;
}

/**
 * `runs` runs as they would reach Kafka: `concurrent` runs in flight at once with their events
 * interleaved (each run's own events in order), and a share of messages delivered twice a little later
 * with the same CloudEvent id, as Kafka redelivers them.
 */
export function* interleavedRuns(runs: number, concurrent: number, redeliveryShare: number): Generator<BenchMessage> {
  let next = 0;
  const startMs = Date.parse('2026-11-01T00:00:00.000Z');
  const active: BenchMessage[][] = [];
  const redeliveries: { due: number; message: BenchMessage }[] = [];
  let sent = 0;
  const refill = () => {
    while (active.length < concurrent && next < runs) {
      active.push(runMessages(next, startMs + next * 1_000));
      next++;
    }
  };
  refill();
  while (active.length > 0) {
    const index = Math.floor(Math.random() * active.length);
    const run = active[index]!;
    const message = run.shift()!;
    if (run.length === 0) {
      active.splice(index, 1);
      refill();
    }
    yield message;
    sent++;
    if (Math.random() < redeliveryShare)
      redeliveries.push({ due: sent + 50 + Math.floor(Math.random() * 200), message });
    while (redeliveries.length > 0 && redeliveries[0]!.due <= sent) yield redeliveries.shift()!.message;
  }
  for (const { message } of redeliveries) yield message;
}
