// Telemetry first, as in main.ts: spans get real ids, so the test can check that a run is one trace.
import { startTelemetry } from '@pipewright/telemetry';
const telemetry = startTelemetry({ serviceName: 'pipeline-engine-test' });

import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  DESTROY_ENVIRONMENT,
  ENVIRONMENT_FAILED,
  EnvironmentFailed,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  PIPELINE_RUN_STARTED,
  PROVISION_ENVIRONMENT,
  TASK_RUN_FINISHED,
  TASK_RUN_STARTED,
  VERSION_ALLOCATED,
  VersionAllocated,
  type LogLines,
  type ProvisionEnvironment,
} from '@pipewright/contracts';
import type { TappedMessage } from '@pipewright/event-bus';
import { parsePipelineText } from '@pipewright/pipeline-spec';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { envSchema } from '../src/config/env';
import type { RunDto } from '../src/runs/run.dto';
import { cdevent, Peers, traceIdOf } from './support/peers';

jest.setTimeout(120_000);

describe('pipeline-engine runs', () => {
  let app: INestApplication;
  let db: PostgresService;
  /** The other services' side of the conversation, played by the test. */
  let peers: Peers;
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
    peers = await Peers.open(brokers, topicPrefix());
  });

  afterAll(async () => {
    await peers?.close();
    await app?.close();
    await db?.drop();
    environmentServer?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
    await telemetry.shutdown();
  });

  const httpServer = () => app.getHttpServer() as Server;

  const eventOf = (type: string, runId: string, where?: (m: TappedMessage) => boolean) =>
    peers.eventOf(type, runId, where);
  const allocateVersion = (runId: string, version: string) => peers.allocateVersion(runId, version);
  const createEnvironment = (runId: string) => peers.createEnvironment(runId, environmentUrl);
  const logTextOf = async (runId: string, taskName: string) => peers.logLinesOf(runId, taskName);

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
                { name: 'compile', run: 'echo "compiling $PIPEWRIGHT_COMPONENT $PIPEWRIGHT_RUN_VERSION in $(pwd)"' },
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
      await peers.bus.publishDirect(
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
      definition: { schemaVersion: 1, name: 'ci' },
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
    const published = peers.tap.messages.filter(
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

    expect(peers.tap.messages.filter((m) => m.topic.endsWith('.dlq'))).toEqual([]);
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
      errors: 'stage "verify" failed: task "boom" failed (exit code 3)',
    });
    const destroy = await eventOf(DESTROY_ENVIRONMENT, runId);
    expect(destroy.data).toEqual({ environmentId: provision.environmentId, runId, reason: 'run finished' });

    const boom = await eventOf(TASK_RUN_FINISHED, runId, (m) => cdevent(m).subject.content.taskName === 'boom');
    expect(cdevent(boom).subject.content).toMatchObject({ outcome: 'failure', errors: 'exit code 3' });
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
    const startedTasks = peers.tap.messages.filter(
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
    await peers.bus.publishDirect(
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
      errors: 'stage "verify" errored: environment "test" could not be provided: the command exited with code 1',
    });
    const run = await finishedRun(runId);
    expect(run.stages[0]).toMatchObject({
      status: 'error',
      environment: {
        lifetime: 'ephemeral',
        status: 'failed',
        failureReason: 'the command exited with code 1',
        url: null,
      },
      tasks: [expect.objectContaining({ name: 'smoke', status: 'skipped' })],
    });
    const runMessages = peers.tap.messages.filter((m) => m.attributes?.partitionkey === runId);
    expect(runMessages.map((m) => m.attributes.type)).not.toContain(TASK_RUN_STARTED);
    expect(runMessages.map((m) => m.attributes.type)).not.toContain(DESTROY_ENVIRONMENT);
  });

  const yamlPipeline = (component: string) => `# a pipeline as the repository has it
component: ${component}
team: team-y
solution: web
pipeline:
  name: yaml-ci
  stages:
    - name: build
      tasks:
        - name: version
          run: echo "tag=v-$PIPEWRIGHT_RUN_VERSION" >> "$PIPEWRIGHT_OUTPUT"
          outputs: [tag]
        - parallel:
            - name: lint
              run: echo lint
            - name: test
              run: echo "testing \${{ tasks.version.outputs.tag }}"
`;

  it('runs a pipewright.yml given as text, and keeps the resolved graph as the definition snapshot', async () => {
    const component = uniqueId('yaml-');
    const response = await request(httpServer())
      .post('/runs')
      .send({ workspace, revision: 'def456', pipelineYaml: yamlPipeline(component) })
      .expect(201);
    const { id: runId } = response.body as { id: string };

    const queued = await allocateVersion(runId, '3.1.4');
    expect(queued.subject.content.pipelineName).toBe('yaml-ci');
    expect(queued.customData).toMatchObject({ component, team: 'team-y', revision: 'def456' });
    const definition = queued.customData.definition as { schemaVersion: number; stages: { name: string }[] };
    expect(definition.schemaVersion).toBe(1);
    expect(definition.stages.map((s) => s.name)).toEqual(['build']);

    const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content.outcome).toBe('success');
    const testLog = await waitFor(async () => {
      const lines = await logTextOf(runId, 'test');
      return lines.length > 0 ? lines : null;
    });
    expect(testLog.map((l) => l.text)).toEqual(['testing v-3.1.4']);

    const run = await finishedRun(runId);
    expect(run.stages[0]!.tasks.map((t) => [t.name, t.status, t.outputs])).toEqual([
      ['version', 'success', { tag: 'v-3.1.4' }],
      ['lint', 'success', {}],
      ['test', 'success', {}],
    ]);
  });

  it("reads the workspace's pipewright.yml when the body names only the workspace", async () => {
    const component = uniqueId('repo-');
    const repository = await mkdtemp(join(tmpdir(), 'engine-int-repo-'));
    try {
      await writeFile(join(repository, 'pipewright.yml'), yamlPipeline(component));
      const response = await request(httpServer()).post('/runs').send({ workspace: repository }).expect(201);
      const { id: runId } = response.body as { id: string };

      await allocateVersion(runId, '1.0.0');
      const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
      expect(cdevent(finished).subject.content).toMatchObject({ pipelineName: 'yaml-ci', outcome: 'success' });
      expect(cdevent(finished).customData.component).toBe(component);
    } finally {
      await rm(repository, { recursive: true, force: true });
    }
  });

  it('runs a resolved graph, as a client that resolved pipewright.yml itself posts it', async () => {
    const component = uniqueId('graph-');
    const loaded = parsePipelineText(
      `component: ${component}
team: team-g
solution: web
pipeline:
  stages:
    - name: only
      tasks:
        - name: greet
          run: echo "$GREETING"
          env:
            GREETING: hello \${{ run.component }}
`,
      'pipewright.yml',
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const response = await request(httpServer()).post('/runs').send({ workspace, graph: loaded.graph }).expect(201);
    const { id: runId } = response.body as { id: string };

    await allocateVersion(runId, '0.0.1');
    const finished = await eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content.outcome).toBe('success');
    const greetLog = await waitFor(async () => {
      const lines = await logTextOf(runId, 'greet');
      return lines.length > 0 ? lines : null;
    });
    expect(greetLog.map((l) => l.text)).toEqual([`hello ${component}`]);
  });

  it('answers a pipewright.yml with mistakes with a 400 problem locating each at file:line:column', async () => {
    const response = await request(httpServer())
      .post('/runs')
      .send({
        workspace,
        pipelineYaml:
          'component: shop\nteam: t\nsolution: s\npipeline:\n  stages:\n    - name: build\n      taks:\n        - name: a\n          run: echo\n',
      })
      .expect(400);

    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: 'pipeline.invalid' });
    expect(response.body.details).toContainEqual(
      expect.objectContaining({
        location: 'pipewright.yml:7:7',
        code: 'unknown-key',
        message: expect.stringContaining('did you mean "tasks"?'),
      }),
    );
    expect(response.body.message).toContain('pipewright.yml:7:7: unknown key "taks"');
  });

  it('answers a graph that is not one with a 400 problem naming the field', async () => {
    const response = await request(httpServer())
      .post('/runs')
      .send({ workspace, graph: { schemaVersion: 2, stages: [] } })
      .expect(400);

    expect(response.body).toMatchObject({ status: 400, code: 'request.invalid' });
    expect(response.body.details).toContainEqual(expect.objectContaining({ path: 'graph.schemaVersion' }));
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
