// Telemetry first, as in main.ts: spans get real ids, so the test can check that a run is one trace.
import { startTelemetry } from '@pipewright/telemetry';
const telemetry = startTelemetry({ serviceName: 'pipeline-engine-test' });

import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DESTROY_ENVIRONMENT,
  ENVIRONMENT_CREATED,
  ENVIRONMENT_FAILED,
  EnvironmentCreated,
  EnvironmentFailed,
  LOG_LINES,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  PROVISION_ENVIRONMENT,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  Topics,
  VERSION_ALLOCATED,
  VersionAllocated,
  deadLetterTopic,
  type LogLines,
  type ProvisionEnvironment,
} from '@pipewright/contracts';
import { EventBus, EventTap, type TappedMessage } from '@pipewright/event-bus';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { envSchema } from '../src/config/env';
import type { RunDto } from '../src/runs/run.dto';

jest.setTimeout(120_000);

const PROVISIONER_COMMANDS = Topics.commands('environment-provisioner');

interface CDEventData {
  subject: { id: string; content: Record<string, unknown> };
  customData: Record<string, unknown>;
}

const cdevent = (m: TappedMessage) => m.data as CDEventData;
const traceIdOf = (m: TappedMessage) => m.attributes.traceparent?.split('-')[1];

describe('pipeline-engine runs', () => {
  let app: INestApplication;
  let db: PostgresService;
  /** The other services' side of the conversation, played by the test. */
  let peers: EventBus;
  let tap: EventTap;
  let environmentServer: Server;
  let environmentUrl: string;
  let workspace: string;

  beforeAll(async () => {
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    workspace = await mkdtemp(join(tmpdir(), 'engine-int-workspace-'));
    environmentServer = createServer((_req, res) => res.end('hello from the test environment'));
    await new Promise<void>((resolve) => environmentServer.listen(0, '127.0.0.1', resolve));
    environmentUrl = `http://127.0.0.1:${(environmentServer.address() as AddressInfo).port}`;

    const config = parseConfig(envSchema, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix(),
      LOG_LEVEL: 'warn',
      PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS: '60',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = configureServiceApp(moduleRef.createNestApplication());
    await app.init();
    peers = new EventBus({ brokers, service: 'test-peers', topicPrefix: topicPrefix() });
    await peers.connect();
    tap = await EventTap.open(peers, [
      Topics.cdevents,
      Topics.logs,
      PROVISIONER_COMMANDS,
      deadLetterTopic(Topics.cdevents),
    ]);
  });

  afterAll(async () => {
    await tap?.close();
    await peers?.disconnect();
    await app?.close();
    await db?.drop();
    environmentServer?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
    await telemetry.shutdown();
  });

  const httpServer = () => app.getHttpServer() as Server;

  /** The message of `type` about run `runId` (by partition key: every message of a run is keyed by it). */
  function eventOf(type: string, runId: string, where: (m: TappedMessage) => boolean = () => true) {
    return tap.waitFor((m) => m.attributes?.type === type && m.attributes.partitionkey === runId && where(m), {
      timeoutMs: 60_000,
      description: `${type} of run ${runId}`,
    });
  }

  /** Plays the build-data repository: answers the run's `pipelinerun.queued` with a version. */
  async function allocateVersion(runId: string, version: string) {
    const queued = cdevent(await eventOf(PIPELINE_RUN_QUEUED, runId));
    const component = queued.customData.component as string;
    await peers.publishDirect(
      VersionAllocated,
      newCDEvent(
        VERSION_ALLOCATED,
        '/test/build-data-repository',
        { id: `${component}@${version}`, content: { component, version, runId } },
        {},
      ),
    );
    return queued;
  }

  /** Plays the environment provisioner: answers the run's provision command with `environment.created`. */
  async function createEnvironment(runId: string) {
    const command = (await eventOf(PROVISION_ENVIRONMENT, runId)).data as ProvisionEnvironment;
    await peers.publishDirect(
      EnvironmentCreated,
      newCDEvent(
        ENVIRONMENT_CREATED,
        '/test/environment-provisioner',
        { id: command.environmentId, content: { name: command.name, url: environmentUrl } },
        {
          runId,
          component: command.component,
          driver: command.spec.driver,
          lifetime: command.lifetime,
          tags: {
            service: command.component,
            team: command.team,
            solution: command.solution,
            environment: command.name,
            size: command.size,
          },
          resources: [],
        },
      ),
    );
    return command;
  }

  async function logTextOf(runId: string, taskName: string) {
    const batches = tap.messages
      .filter((m) => m.attributes?.type === LOG_LINES && (m.data as LogLines).runId === runId)
      .map((m) => m.data as LogLines)
      .filter((batch) => batch.taskName === taskName);
    return batches.flatMap((batch) => batch.lines).sort((a, b) => a.seq - b.seq);
  }

  async function finishedRun(runId: string): Promise<RunDto> {
    return waitFor(
      async () => {
        const response = await request(httpServer()).get(`/runs/${runId}`).expect(200);
        const run = response.body as RunDto;
        return run.finishedAt !== null ? run : null;
      },
      { timeoutMs: 30_000, description: `run ${runId} to be finished in GET /runs/:id` },
    );
  }

  it('runs a two-stage pipeline with an environment: events, logs, one trace, and the state in GET /runs/:id', async () => {
    const component = uniqueId('shop-');
    const smoke = `"${process.execPath}" -e "fetch(process.env.PIPEWRIGHT_ENV_URL).then((r) => r.text()).then((t) => console.log('env says: ' + t))"`;
    const response = await request(httpServer())
      .post('/runs')
      .send({
        component,
        team: 'team-a',
        solution: 'web',
        revision: 'abc123',
        workspace,
        pipeline: {
          name: 'ci',
          stages: [
            {
              name: 'build',
              tasks: [
                { name: 'compile', run: 'echo "compiling $PIPEWRIGHT_COMPONENT $PIPEWRIGHT_VERSION in $(pwd)"' },
                { name: 'unit-tests', run: 'echo "tests: $SUITE"; echo "a warning" >&2', env: { SUITE: 'unit' } },
              ],
            },
            {
              name: 'verify',
              environment: { name: 'test', command: 'node server.js', healthPath: '/health' },
              tasks: [{ name: 'smoke', run: smoke, timeoutSeconds: 60 }],
            },
          ],
        },
      })
      .expect(201);
    const { id: runId } = response.body as { id: string; status: string };
    expect(response.body).toEqual({ id: runId, status: 'queued' });

    // Versions for runs that are not ours are ignored, not dead-lettered.
    for (const strangerId of [crypto.randomUUID(), 'not-a-uuid']) {
      await peers.publishDirect(
        VersionAllocated,
        newCDEvent(
          VERSION_ALLOCATED,
          '/test',
          { id: 'x@9', content: { component: 'x', version: '9', runId: strangerId } },
          {},
        ),
      );
    }
    const queued = await allocateVersion(runId, '1.0.7');
    expect(queued.subject.content.pipelineName).toBe('ci');
    expect(queued.customData).toMatchObject({
      component,
      team: 'team-a',
      solution: 'web',
      revision: 'abc123',
      trigger: { type: 'http' },
      definition: { name: 'ci' },
    });

    const started = await eventOf(PIPELINE_RUN_STARTED, runId);
    expect(cdevent(started).customData.version).toBe('1.0.7');

    const provision = await createEnvironment(runId);
    expect(provision).toMatchObject({
      runId,
      name: 'test',
      lifetime: 'ephemeral',
      component,
      team: 'team-a',
      solution: 'web',
      size: 'small',
      spec: { driver: 'local-process', command: 'node server.js', cwd: workspace, healthPath: '/health' },
    });

    const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content.outcome).toBe('success');
    expect(cdevent(finished).customData).toMatchObject({ version: '1.0.7', component });

    const destroy = await eventOf(DESTROY_ENVIRONMENT, runId);
    expect(destroy.data).toEqual({ environmentId: provision.environmentId, runId, reason: 'run finished' });

    for (const taskName of ['compile', 'unit-tests', 'smoke']) {
      const byTask = (m: TappedMessage) => cdevent(m).subject.content.taskName === taskName;
      const taskStarted = await eventOf(TASK_RUN_STARTED, runId, byTask);
      const taskFinished = await eventOf(TASK_RUN_FINISHED, runId, byTask);
      expect(cdevent(taskFinished).subject.id).toBe(cdevent(taskStarted).subject.id);
      expect(cdevent(taskFinished).subject.content.outcome).toBe('success');
      expect(cdevent(taskFinished).customData).toMatchObject({ exitCode: 0, attempt: 1 });
    }

    // Logs travel separately (and may trail the run's events a little).
    const compileLog = await waitFor(async () => {
      const lines = await logTextOf(runId, 'compile');
      return lines.length > 0 ? lines : null;
    });
    expect(compileLog).toEqual([
      expect.objectContaining({ seq: 1, stream: 'stdout', text: `compiling ${component} 1.0.7 in ${workspace}` }),
    ]);
    const unitLog = await waitFor(async () => {
      const lines = await logTextOf(runId, 'unit-tests');
      return lines.length === 2 ? lines : null;
    });
    expect(unitLog.map((l) => [l.seq, l.stream, l.text]).sort()).toEqual([
      [1, 'stdout', 'tests: unit'],
      [2, 'stderr', 'a warning'],
    ]);
    const smokeLog = await waitFor(async () => {
      const lines = await logTextOf(runId, 'smoke');
      return lines.length > 0 ? lines : null;
    });
    expect(smokeLog.map((l) => l.text)).toEqual(['env says: hello from the test environment']);

    // Everything the run published after it started is in the run's trace.
    const runTrace = traceIdOf(started);
    expect(runTrace).toMatch(/^[0-9a-f]{32}$/);
    const published = tap.messages.filter(
      (m) =>
        m.attributes?.source === '/pipewright/pipeline-engine' &&
        m.attributes.type !== PIPELINE_RUN_QUEUED &&
        (m.attributes.partitionkey === runId || (m.data as Partial<LogLines>).runId === runId),
    );
    expect(published.length).toBeGreaterThanOrEqual(12);
    expect(new Set(published.map(traceIdOf))).toEqual(new Set([runTrace]));

    const run = await finishedRun(runId);
    expect(run).toMatchObject({
      id: runId,
      pipeline: 'ci',
      component,
      version: '1.0.7',
      revision: 'abc123',
      status: 'success',
      errors: null,
      trigger: { type: 'http' },
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.stages.map((s) => [s.name, s.status])).toEqual([
      ['build', 'success'],
      ['verify', 'success'],
    ]);
    expect(run.stages[0]!.environment).toBeNull();
    expect(run.stages[1]!.environment).toMatchObject({
      id: provision.environmentId,
      name: 'test',
      url: environmentUrl,
      status: 'destroying',
    });
    expect(run.stages.flatMap((s) => s.tasks.map((t) => [t.name, t.status, t.exitCode, t.logLines]))).toEqual([
      ['compile', 'success', 0, 1],
      ['unit-tests', 'success', 0, 2],
      ['smoke', 'success', 0, 1],
    ]);
    for (const stage of run.stages) {
      expect(stage.startedAt).not.toBeNull();
      expect(stage.finishedAt).not.toBeNull();
      for (const task of stage.tasks) expect(task.finishedAt! >= task.startedAt!).toBe(true);
    }

    expect(tap.messages.filter((m) => m.topic.endsWith('.dlq'))).toEqual([]);
  });

  it('fails the run when a task fails, skips what comes after, and still destroys the environment', async () => {
    const component = uniqueId('cart-');
    const response = await request(httpServer())
      .post('/runs')
      .send({
        component,
        team: 'team-b',
        solution: 'web',
        workspace,
        pipeline: {
          name: 'deploy',
          stages: [
            {
              name: 'verify',
              environment: { name: 'preview', command: 'node server.js' },
              tasks: [
                { name: 'boom', run: 'echo "about to fail"; exit 3' },
                { name: 'never', run: 'echo "must not run"' },
              ],
            },
            { name: 'release', tasks: [{ name: 'publish', run: 'echo "must not run either"' }] },
          ],
        },
      })
      .expect(201);
    const { id: runId } = response.body as { id: string };

    await allocateVersion(runId, '2.0.0');
    const provision = await createEnvironment(runId);

    const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content).toMatchObject({
      outcome: 'failure',
      errors: 'task "boom" of stage "verify" exited with code 3',
    });
    const destroy = await eventOf(DESTROY_ENVIRONMENT, runId);
    expect(destroy.data).toEqual({ environmentId: provision.environmentId, runId, reason: 'run finished' });

    const boom = await eventOf(TASK_RUN_FINISHED, runId, (m) => cdevent(m).subject.content.taskName === 'boom');
    expect(cdevent(boom).subject.content).toMatchObject({ outcome: 'failure', errors: 'exited with code 3' });
    expect(cdevent(boom).customData.exitCode).toBe(3);

    const run = await finishedRun(runId);
    expect(run).toMatchObject({ status: 'failure', version: '2.0.0' });
    expect(run.stages.map((s) => [s.name, s.status])).toEqual([
      ['verify', 'failure'],
      ['release', 'skipped'],
    ]);
    expect(run.stages.flatMap((s) => s.tasks.map((t) => [t.name, t.status]))).toEqual([
      ['boom', 'failure'],
      ['never', 'skipped'],
      ['publish', 'skipped'],
    ]);
    const startedTasks = tap.messages.filter(
      (m) => m.attributes?.type === TASK_RUN_STARTED && m.attributes.partitionkey === runId,
    );
    expect(startedTasks.map((m) => cdevent(m).subject.content.taskName)).toEqual(['boom']);
  });

  it('fails the stage when its environment fails, without running its tasks or destroying it', async () => {
    const component = uniqueId('search-');
    const response = await request(httpServer())
      .post('/runs')
      .send({
        component,
        team: 'team-c',
        solution: 'web',
        workspace,
        pipeline: {
          name: 'ci',
          stages: [
            {
              name: 'verify',
              environment: { name: 'test', command: 'exit 1' },
              tasks: [{ name: 'smoke', run: 'echo "must not run"' }],
            },
          ],
        },
      })
      .expect(201);
    const { id: runId } = response.body as { id: string };

    await allocateVersion(runId, '0.1.0');
    const command = (await eventOf(PROVISION_ENVIRONMENT, runId)).data as ProvisionEnvironment;
    await peers.publishDirect(
      EnvironmentFailed,
      newCDEvent(
        ENVIRONMENT_FAILED,
        '/test/environment-provisioner',
        { id: command.environmentId, content: { name: 'test', reason: 'the command exited with code 1' } },
        { runId, component, driver: 'local-process', lifetime: 'ephemeral' as const },
      ),
    );

    const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content).toMatchObject({
      outcome: 'failure',
      errors: 'environment "test" failed: the command exited with code 1',
    });
    const run = await finishedRun(runId);
    expect(run.stages[0]).toMatchObject({
      status: 'failure',
      environment: { status: 'failed', failureReason: 'the command exited with code 1', url: null },
      tasks: [expect.objectContaining({ name: 'smoke', status: 'skipped' })],
    });
    const runMessages = tap.messages.filter((m) => m.attributes?.partitionkey === runId);
    expect(runMessages.map((m) => m.attributes.type)).not.toContain(TASK_RUN_STARTED);
    expect(runMessages.map((m) => m.attributes.type)).not.toContain(DESTROY_ENVIRONMENT);
  });

  it('answers a bad body with a 400 problem naming the field', async () => {
    const response = await request(httpServer())
      .post('/runs')
      .send({
        component: 'shop',
        team: 'team-a',
        solution: 'web',
        workspace: 'relative/path',
        pipeline: { name: 'ci', stages: [{ name: 'build', tasks: [] }] },
      })
      .expect(400);

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'request.invalid' });
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        { path: 'workspace', message: 'must be an absolute path' },
        expect.objectContaining({ path: 'pipeline.stages.0.tasks' }),
      ]),
    );
  });

  it('answers an unknown run id with a 404 problem', async () => {
    const id = crypto.randomUUID();
    const response = await request(httpServer()).get(`/runs/${id}`).expect(404);

    expect(response.body).toMatchObject({ status: 404, code: 'run.not_found', details: { runId: id } });
  });

  it('is ready when Postgres and Kafka answer', async () => {
    const response = await request(httpServer()).get('/health/ready').expect(200);

    expect(response.body).toEqual({ status: 'ok', checks: { postgres: 'ok', kafka: 'ok' } });
  });
});
