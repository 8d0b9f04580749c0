import { randomUUID } from 'node:crypto';
import {
  ContractViolation,
  EnvironmentCreated,
  LogLines,
  PipelineRunQueued,
  ProvisionEnvironment,
  TaskRunFinished,
  allMessageDefinitions,
  messageDefinitionFor,
  newCDEvent,
  parseMessage,
  PIPELINE_RUN_QUEUED,
  TASK_RUN_FINISHED,
  sourceOf,
  startRunRequestSchema,
} from './index';

const runId = randomUUID();

function queued() {
  return newCDEvent(
    PIPELINE_RUN_QUEUED,
    sourceOf('pipeline-engine'),
    { id: runId, content: { pipelineName: 'hello' } },
    {
      component: 'hello',
      team: 'team-a',
      solution: 'greetings',
      trigger: { type: 'http' as const },
      definition: { name: 'hello', stages: [] },
    },
  );
}

describe('message contracts', () => {
  it('accepts a well-formed pipelinerun.queued and derives its key and subject from the run id', () => {
    const sut = PipelineRunQueued;
    const event = parseMessage(sut, queued());
    expect(event.context.specversion).toBe('0.5.1');
    expect(sut.key(event)).toBe(runId);
    expect(sut.subject(event)).toBe(runId);
  });

  it('names the message type and every bad field of an invalid event', () => {
    const bad = queued() as unknown as { subject: { content: Record<string, unknown> }; customData: Record<string, unknown> };
    delete bad.subject.content.pipelineName;
    bad.customData.team = 'no spaces allowed';

    expect(() => parseMessage(PipelineRunQueued, bad)).toThrow(
      new ContractViolation(PIPELINE_RUN_QUEUED, [
        { path: 'subject.content.pipelineName', message: 'Invalid input: expected string, received undefined' },
        {
          path: 'customData.team',
          message: 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"',
        },
      ]),
    );
  });

  it('rejects an event whose context.type is another type', () => {
    const event = { ...queued(), context: { ...queued().context, type: TASK_RUN_FINISHED } };
    expect(() => parseMessage(PipelineRunQueued, event)).toThrow(
      `${PIPELINE_RUN_QUEUED} is invalid: context.type: Invalid input: expected "${PIPELINE_RUN_QUEUED}"`,
    );
  });

  it('keys task-run events by their pipeline run so one run stays on one partition', () => {
    const taskRunId = randomUUID();
    const event = newCDEvent(
      TASK_RUN_FINISHED,
      sourceOf('pipeline-engine'),
      { id: taskRunId, content: { taskName: 'compile', pipelineRun: { id: runId }, outcome: 'failure' as const } },
      {
        component: 'hello',
        stage: 'build',
        attempt: 1,
        exitCode: 2,
        startedAt: new Date().toISOString(),
        durationMs: 12,
      },
    );
    const parsed = parseMessage(TaskRunFinished, event);
    expect(TaskRunFinished.key(parsed)).toBe(runId);
    expect(TaskRunFinished.subject(parsed)).toBe(taskRunId);
  });

  it('rejects an unknown outcome with the allowed values', () => {
    const event = newCDEvent(
      TASK_RUN_FINISHED,
      sourceOf('pipeline-engine'),
      { id: 'tr-1', content: { taskName: 'compile', pipelineRun: { id: runId }, outcome: 'exploded' } },
      { component: 'hello', stage: 'build', attempt: 1, exitCode: 1, startedAt: new Date().toISOString(), durationMs: 1 },
    );
    expect(() => parseMessage(TaskRunFinished, event)).toThrow(
      `${TASK_RUN_FINISHED} is invalid: subject.content.outcome: Invalid option: expected one of "success"|"failure"|"cancel"|"error"`,
    );
  });

  it('keys an ephemeral environment by its run and a long-lived one by itself', () => {
    const make = (runIdOrNone?: string) =>
      parseMessage(
        EnvironmentCreated,
        newCDEvent(
          EnvironmentCreated.type,
          sourceOf('environment-provisioner'),
          { id: 'env-1', content: { name: 'test', url: 'http://127.0.0.1:4000' } },
          {
            ...(runIdOrNone ? { runId: runIdOrNone } : {}),
            component: 'hello',
            driver: 'local-process',
            lifetime: 'ephemeral' as const,
            tags: { service: 'hello', team: 'a', solution: 's', environment: 'test', size: 'small' },
            resources: [],
          },
        ),
      );
    expect(EnvironmentCreated.key(make(runId))).toBe(runId);
    expect(EnvironmentCreated.key(make())).toBe('env-1');
  });

  it('applies command defaults and rejects an unknown driver', () => {
    const base = {
      environmentId: 'env-1',
      runId,
      name: 'test',
      lifetime: 'ephemeral',
      component: 'hello',
      team: 'a',
      solution: 's',
    };
    const ok = parseMessage(ProvisionEnvironment, { ...base, spec: { driver: 'local-process', command: 'node server.js' } });
    expect(ok.size).toBe('small');
    expect(ok.spec).toMatchObject({ healthPath: '/', readyTimeoutSeconds: 60, env: {} });

    expect(() => parseMessage(ProvisionEnvironment, { ...base, spec: { driver: 'kubernetes', command: 'x' } })).toThrow(
      `${ProvisionEnvironment.type} is invalid: spec.driver: Invalid discriminator value. Expected 'local-process'`,
    );
  });

  it('refuses an empty log batch', () => {
    const batch = { runId, taskRunId: 't', taskName: 'x', stage: 'build', component: 'hello', team: 'a', lines: [] };
    expect(() => parseMessage(LogLines, batch)).toThrow(
      `${LogLines.type} is invalid: lines: Too small: expected array to have >=1 items`,
    );
  });

  it('has one definition per type, each found by its type', () => {
    const types = allMessageDefinitions.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(messageDefinitionFor(type)?.type).toBe(type);
    expect(messageDefinitionFor('dev.cdevents.nothing.0.1.0')).toBeUndefined();
  });
});

describe('startRunRequestSchema', () => {
  it('points at duplicate stage and task names', () => {
    const result = startRunRequestSchema.safeParse({
      component: 'hello',
      team: 'a',
      solution: 's',
      workspace: '/tmp/hello',
      pipeline: {
        name: 'hello',
        stages: [
          { name: 'build', tasks: [{ name: 'x', run: 'true' }, { name: 'x', run: 'true' }] },
          { name: 'build', tasks: [{ name: 'y', run: 'true' }] },
        ],
      },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['pipeline.stages.0.tasks.1.name', 'duplicate task name "x"'],
      ['pipeline.stages.1.name', 'duplicate stage name "build"'],
    ]);
  });
});
