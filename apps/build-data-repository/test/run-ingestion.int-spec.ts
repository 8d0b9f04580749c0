import {
  PipelineRunFinished,
  PipelineRunQueued,
  PipelineRunStarted,
  TaskRunFinished,
  TaskRunStarted,
  Topics,
  VERSION_ALLOCATED,
  toCloudEventHeaders,
  type MessageData,
  type CloudEventAttributes,
  type MessageDefinition,
  type VersionAllocated,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import { mergePatch } from '../src/database/merge-upsert';
import {
  finishedRun,
  finishedTaskRun,
  queuedRun,
  runMergeRules,
  startedRun,
  startedTaskRun,
  taskRunMergeRules,
  type RunPatch,
  type TaskRunPatch,
} from '../src/runs/run-merge';
import { Run } from '../src/runs/run.entity';
import { RunRecorder } from '../src/runs/run-recorder.service';
import { stagesOfRun } from '../src/runs/stage-summary';
import { TaskRun } from '../src/runs/task-run.entity';
import {
  aRun,
  aTask,
  attributesOf,
  distinctOrders,
  finished,
  queued,
  started,
  taskFinished,
  taskStarted,
  type RunFixture,
} from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(120_000);

type CDEventLike = Parameters<typeof attributesOf>[0];

describe('run ingestion', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  /** Sends `event` as one CloudEvent, `times` times: the second and later copies are redeliveries. */
  async function deliver<D extends MessageDefinition>(definition: D, event: MessageData<D> & CDEventLike, times = 1) {
    const key = definition.key(event);
    const message = { key, value: JSON.stringify(event), headers: toCloudEventHeaders(attributesOf(event, key)) };
    for (let i = 0; i < times; i++) await sut.engine.sendRaw(definition.topic, message);
  }

  const versionAllocated = (runId: string) =>
    sut.tap.waitFor(
      (m) =>
        m.topic.endsWith(Topics.cdevents) &&
        m.attributes?.type === VERSION_ALLOCATED &&
        (m.data as VersionAllocated).subject.content.runId === runId,
      { description: `the version of run ${runId}` },
    );

  async function getRun(runId: string) {
    const response = await request(sut.http).get(`/runs/${runId}`).expect(200);
    return response.body as Record<string, unknown> & {
      stages: (Record<string, unknown> & { taskRuns: Record<string, unknown>[] })[];
    };
  }

  it('converges to the same run whether its events arrive in order or backwards and twice each', async () => {
    const inOrder = aRun({ component: uniqueId('in-order-') });
    const backwards = aRun({ component: uniqueId('backwards-') });
    const eventsOf = (
      run: RunFixture,
      compile = aTask({ taskName: 'compile' }),
      unitTests = aTask({ taskName: 'unit-tests' }),
    ) => ({
      queued: queued(run, '2026-11-22T10:00:00.000Z'),
      started: started(run, '1', '2026-11-22T10:00:01.000Z'),
      compileStarted: taskStarted(run, compile, '2026-11-22T10:00:02.000Z'),
      compileFinished: taskFinished(run, compile, 'success', {
        startedAt: '2026-11-22T10:00:02.000Z',
        timestamp: '2026-11-22T10:00:04.000Z',
      }),
      testsStarted: taskStarted(run, unitTests, '2026-11-22T10:00:04.500Z'),
      testsFinished: taskFinished(run, unitTests, 'failure', {
        startedAt: '2026-11-22T10:00:04.500Z',
        timestamp: '2026-11-22T10:00:08.000Z',
        exitCode: 1,
      }),
      finished: finished(run, 'failure', '2026-11-22T10:00:09.000Z'),
    });

    const a = eventsOf(inOrder);
    await deliver(PipelineRunQueued, a.queued);
    await deliver(PipelineRunStarted, a.started);
    await deliver(TaskRunStarted, a.compileStarted);
    await deliver(TaskRunFinished, a.compileFinished);
    await deliver(TaskRunStarted, a.testsStarted);
    await deliver(TaskRunFinished, a.testsFinished);
    await deliver(PipelineRunFinished, a.finished);

    const b = eventsOf(backwards);
    await deliver(PipelineRunFinished, b.finished, 2);
    await deliver(TaskRunFinished, b.testsFinished, 2);
    await deliver(TaskRunStarted, b.testsStarted, 2);
    await deliver(TaskRunFinished, b.compileFinished, 2);
    await deliver(TaskRunStarted, b.compileStarted, 2);
    await deliver(PipelineRunStarted, b.started, 2);
    // Published again by a restarted engine: a new CloudEvent carrying the same CDEvent.
    await sut.engine.publishDirect(PipelineRunFinished, b.finished);
    await deliver(PipelineRunQueued, b.queued, 2);

    // One run's events share a partition, so once the last one is answered all of them are recorded.
    await Promise.all([versionAllocated(inOrder.runId), versionAllocated(backwards.runId)]);
    const expected = await waitFor(
      async () => {
        const run = await getRun(inOrder.runId);
        return run.status === 'finished' && run;
      },
      { description: 'the in-order run to finish' },
    );
    const actual = await waitFor(
      async () => {
        const run = await getRun(backwards.runId);
        return run.definition !== null && run;
      },
      { description: 'the backwards run to be complete' },
    );

    const comparable = ({ id: _id, component: _component, stages, ...run }: Awaited<ReturnType<typeof getRun>>) => ({
      ...run,
      stages: stages.map(({ taskRuns, ...stage }) => ({
        ...stage,
        taskRuns: taskRuns.map(({ id: _taskId, ...task }) => task),
      })),
    });
    expect(comparable(actual)).toEqual(comparable(expected));
    expect(actual).toMatchObject({
      status: 'finished',
      outcome: 'failure',
      version: '1',
      revision: backwards.revision,
      trigger: { type: 'http', by: 'alice' },
      definition: { name: backwards.pipelineName },
      queuedAt: '2026-11-22T10:00:00.000Z',
      startedAt: '2026-11-22T10:00:01.000Z',
      finishedAt: '2026-11-22T10:00:09.000Z',
      durationMs: 8_000,
    });
    // The definition plans one stage, build, with one task; both tasks ran in it.
    expect(actual.stages).toEqual([
      expect.objectContaining({
        name: 'build',
        position: 0,
        status: 'finished',
        outcome: 'failure',
        taskCount: 1,
        tasksStarted: 2,
        tasksFinished: 2,
        startedAt: '2026-11-22T10:00:02.000Z',
        finishedAt: '2026-11-22T10:00:08.000Z',
        durationMs: 6_000,
      }),
    ]);
    expect(actual.stages[0]!.taskRuns).toEqual([
      expect.objectContaining({
        taskName: 'compile',
        status: 'finished',
        outcome: 'success',
        exitCode: 0,
        durationMs: 2_000,
      }),
      expect.objectContaining({ taskName: 'unit-tests', status: 'finished', outcome: 'failure', exitCode: 1 }),
    ]);

    // The log holds each CloudEvent once: 7 events, the re-published finished event, and the answer to queued.
    const logged = await waitFor(
      async () => {
        const [row] = await sut.dataSource.query<{ count: number }[]>(
          'SELECT count(*)::int AS count FROM events WHERE run_id = $1',
          [backwards.runId],
        );
        return row!.count >= 9 && row!.count;
      },
      { description: 'the version announcement in the log' },
    );
    expect(logged).toBe(9);
  });

  it('answers 404 for a run it has never seen and 400 for an impossible run id', async () => {
    const notFound = await request(sut.http).get('/runs/3b241101-e2bb-4255-8caf-4136c566a962').expect(404);
    expect(notFound.body).toMatchObject({ code: 'run.not_found' });

    const invalid = await request(sut.http)
      .get(`/runs/${'x'.repeat(201)}`)
      .expect(400);
    expect(invalid.body).toMatchObject({ code: 'request.invalid', details: [{ path: 'id' }] });
  });

  // Straight through RunRecorder, without the consumer's de-duplication: every copy reaches the upserts, in
  // batches of 1 to 3 messages (copies may share a batch), and the rows must match the rules' model.
  describe('the upserts, against the rules they are written from', () => {
    /** `steps` delivered in consecutive batches of 1, 2, 3, 1, 2, ... messages, one transaction each. */
    async function deliverInBatches<S extends string>(
      steps: S[],
      messageOf: (step: S) => { data: unknown; attributes: CloudEventAttributes },
    ) {
      const recorder = sut.app.get(RunRecorder);
      for (let i = 0, size = 1; i < steps.length; i += size, size = (size % 3) + 1) {
        const batch = steps.slice(i, i + size).map(messageOf);
        await sut.dataSource.transaction((manager) => recorder.record(manager, batch));
      }
    }

    it('store what the rules say for every order of a run’s events, each delivered twice', async () => {
      type Step = 'queued' | 'started' | 'finished';
      const orders = distinctOrders<Step>(['queued', 'queued', 'started', 'started', 'finished', 'finished']);
      // Each order gets a run of its own component, so every run gets version 1.
      const cases = orders.map((order) => {
        const run = aRun({ component: uniqueId('order-') });
        return {
          order,
          run,
          events: { queued: queued(run), started: started(run, '1'), finished: finished(run, 'success') },
        };
      });

      await Promise.all(
        cases.map(({ order, events }) =>
          deliverInBatches(order, (step) => ({
            data: events[step],
            attributes: attributesOf(events[step], events[step].subject.id),
          })),
        ),
      );

      for (const { order, run, events } of cases) {
        const patches = {
          queued: queuedRun(events.queued, '1'),
          started: startedRun(events.started),
          finished: finishedRun(events.finished),
        };
        const model = order.reduce<RunPatch | undefined>(
          (stored, step) => mergePatch(stored, patches[step], runMergeRules),
          undefined,
        );
        const {
          updatedAt: _updatedAt,
          listedAt,
          ...stored
        } = await sut.dataSource.manager.findOneByOrFail(Run, {
          id: run.runId,
        });
        expect(stored).toEqual(model);
        expect(listedAt).toEqual(new Date('2026-11-22T10:00:00.000Z'));
      }
    });

    it('store what the rules say for every order of a task run’s events, each delivered twice', async () => {
      type Step = 'started' | 'finished';
      const run = aRun();
      const cases = distinctOrders<Step>(['started', 'started', 'finished', 'finished']).map((order) => {
        const task = aTask({ stage: uniqueId('stage-') });
        return {
          order,
          task,
          events: {
            // The finished event reports an earlier start than the started event's own timestamp.
            started: taskStarted(run, task, '2026-11-22T10:00:02.300Z'),
            finished: taskFinished(run, task, 'failure', { startedAt: '2026-11-22T10:00:02.000Z', exitCode: 3 }),
          },
        };
      });

      for (const { order, task, events } of cases) {
        await deliverInBatches(order, (step) => ({
          data: events[step],
          attributes: attributesOf(events[step], run.runId),
        }));
        const patches = { started: startedTaskRun(events.started), finished: finishedTaskRun(events.finished) };
        const model = order.reduce<TaskRunPatch | undefined>(
          (stored, step) => mergePatch(stored, patches[step], taskRunMergeRules),
          undefined,
        );
        const { updatedAt: _updatedAt, ...stored } = await sut.dataSource.manager.findOneByOrFail(TaskRun, {
          id: task.taskRunId,
        });
        expect(stored).toEqual(model);
        expect(stored).toMatchObject({ status: 'finished', startedAt: new Date('2026-11-22T10:00:02.000Z') });
        // Its stage (not in any definition: the run was never queued) is finished once its one task is.
        const stages = stagesOfRun(null, await sut.dataSource.manager.findBy(TaskRun, { runId: run.runId }));
        expect(stages.find((stage) => stage.name === task.stage)).toMatchObject({
          position: null,
          taskCount: null,
          status: 'finished',
          outcome: 'failure',
          tasksStarted: 1,
          durationMs: 3_000,
        });
      }
    });
  });
});
