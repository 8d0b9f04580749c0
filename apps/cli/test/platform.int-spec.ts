import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRunRequestSchema } from '@pipewright/contracts';
import { fakeEngine, type FakeEngine } from './fake-engine';
import { pipewright, repoRoot, tempDir, tempRepository } from './cli-harness';

const RUN_ID = '0b9f6c9e-7d1f-4d57-9a55-0c7b5c1f8a11';

function runView(status: string, tasks: { build: string; smoke: string }, extra: Record<string, unknown> = {}) {
  const task = (id: string, name: string, taskStatus: string) => ({
    id,
    name,
    status: taskStatus,
    attempt: 1,
    exitCode: taskStatus === 'success' ? 0 : taskStatus === 'failure' ? 7 : null,
    timedOut: false,
    durationMs: taskStatus === 'success' || taskStatus === 'failure' ? 1200 : null,
    logLines: 3,
    outputs: {},
    errors: null,
    startedAt: null,
    finishedAt: null,
  });
  return {
    id: RUN_ID,
    pipeline: 'hello',
    component: 'hello',
    team: 'team-hello',
    solution: 'greetings',
    revision: 'abc1234',
    version: '7',
    status,
    errors: null,
    trigger: 'http',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    stages: [
      {
        id: 's1',
        name: 'build',
        status: tasks.build,
        errors: null,
        startedAt: null,
        finishedAt: null,
        environment: null,
        tasks: [task('t1', 'check', tasks.build)],
      },
      {
        id: 's2',
        name: 'deploy',
        status: tasks.smoke,
        errors: null,
        startedAt: null,
        finishedAt: null,
        environment:
          tasks.smoke === 'pending'
            ? null
            : { id: 'e1', name: 'test', status: 'ready', url: 'http://127.0.0.1:4100', failureReason: null },
        tasks: [task('t2', 'smoke', tasks.smoke)],
      },
    ],
    ...extra,
  };
}

describe('the platform commands', () => {
  let engine: FakeEngine | undefined;
  afterEach(async () => engine?.close());

  const env = (url: string) => ({ PIPEWRIGHT_URL: url, PIPEWRIGHT_TOKEN: 'tok-1' });

  describe('pipewright trigger', () => {
    it("posts the repository's pipeline as the engine's POST /runs body and prints the run id", async () => {
      engine = await fakeEngine(() => ({ status: 201, body: { id: RUN_ID, status: 'queued' } }));
      const repo = path.join(tempDir('pipewright-trigger-'), 'hello');
      cpSync(path.join(repoRoot, 'examples/hello'), repo, { recursive: true });

      const sut = await pipewright(['trigger', '--revision', 'abc1234'], { cwd: repo, env: env(engine.url) });

      expect(sut.code).toBe(0);
      expect(sut.stdout).toBe(`${RUN_ID}\n`);
      expect(sut.stderr).toContain(`pipewright logs ${RUN_ID} --follow`);
      const [request] = engine.received;
      expect(request).toMatchObject({ method: 'POST', url: '/runs', authorization: 'Bearer tok-1' });
      const body = startRunRequestSchema.parse(JSON.parse(request?.body ?? ''));
      expect(body).toMatchObject({ component: 'hello', revision: 'abc1234', workspace: repo });
      expect(body.pipeline.stages.map((s) => [s.name, s.tasks.map((t) => t.name), s.environment?.command])).toEqual([
        ['build', ['check', 'unit-test'], undefined],
        ['deploy', ['smoke'], 'node server.js'],
      ]);
    });

    it('refuses a pipeline the engine cannot run yet, saying why, without calling it', async () => {
      engine = await fakeEngine(() => ({ status: 500 }));
      const repo = tempRepository({
        'pipewright.yml': `component: c
team: t
solution: s
pipeline:
  stages:
    - name: ship
      approval: { approvers: alice }
      tasks: [{ name: go, run: echo go }]
`,
      });
      const sut = await pipewright(['trigger'], { cwd: repo, env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(
        'pipewright trigger: the engine service cannot run this pipeline yet:\n  - stage "ship" has an approval\n',
      );
      expect(engine.received).toEqual([]);
    });

    it("prints the problem body's message and issues when the engine refuses", async () => {
      engine = await fakeEngine(() => ({
        status: 400,
        body: {
          code: 'request.invalid',
          message: 'Invalid request body: workspace: must be an absolute path',
          details: [{ path: 'workspace', message: 'must be an absolute path' }],
        },
      }));
      const repo = path.join(tempDir('pipewright-trigger-'), 'hello');
      cpSync(path.join(repoRoot, 'examples/hello'), repo, { recursive: true });
      const sut = await pipewright(['trigger'], { cwd: repo, env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(
        'pipewright trigger: POST /runs failed: 400 Invalid request body: workspace: must be an absolute path\n  - workspace: must be an absolute path\n',
      );
    });

    it('needs PIPEWRIGHT_URL (exit code 2)', async () => {
      const sut = await pipewright(['trigger'], { cwd: tmpdir() });
      expect(sut.code).toBe(2);
      expect(sut.stderr).toContain('pipewright trigger: PIPEWRIGHT_URL is not set');
    });
  });

  describe('pipewright status', () => {
    it('shows the run as a table', async () => {
      engine = await fakeEngine(() => ({
        status: 200,
        body: runView('running', { build: 'success', smoke: 'running' }),
      }));
      const sut = await pipewright(['status', RUN_ID], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut.code).toBe(0);
      expect(engine.received[0]).toMatchObject({
        method: 'GET',
        url: `/runs/${RUN_ID}`,
        authorization: 'Bearer tok-1',
      });
      expect(sut.stdout.split('\n')).toEqual([
        `run ${RUN_ID}  running`,
        'pipeline hello · component hello · team team-hello · version 7 · revision abc1234',
        '',
        'STAGE   TASK   STATUS   ATTEMPT  EXIT  DURATION',
        '------  -----  -------  -------  ----  --------',
        'build   check  success              0      1.2s',
        'deploy  smoke  running',
        '',
        'stage deploy: environment test ready at http://127.0.0.1:4100',
        '',
      ]);
    });

    it('prints the message of a 404 problem and exits 1', async () => {
      engine = await fakeEngine(() => ({
        status: 404,
        body: { code: 'run.not_found', message: `Run ${RUN_ID} does not exist` },
      }));
      const sut = await pipewright(['status', RUN_ID], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(`pipewright status: GET /runs/${RUN_ID} failed: 404 Run ${RUN_ID} does not exist\n`);
    });
  });

  describe('pipewright logs --follow', () => {
    it('without a logs endpoint: prints status changes until the run ends, and says logs need the endpoint', async () => {
      const polls = [
        runView('running', { build: 'running', smoke: 'pending' }),
        runView('running', { build: 'success', smoke: 'running' }),
        runView('failure', { build: 'success', smoke: 'failure' }),
      ];
      let poll = 0;
      engine = await fakeEngine((request) => {
        if (request.url.includes('/logs'))
          return { status: 404, body: { code: 'http.not_found', message: 'Cannot GET' } };
        return { status: 200, body: polls[Math.min(poll++, polls.length - 1)] };
      });

      const sut = await pipewright(['logs', RUN_ID, '--follow', '--interval', '10'], {
        cwd: tmpdir(),
        env: env(engine.url),
      });

      expect(sut.code).toBe(1);
      expect(sut.stderr).toContain(
        'note: the engine has no log endpoint yet (GET /runs/:id/logs); showing status changes only.',
      );
      expect(sut.stdout.split('\n').map((line) => line.slice(13))).toEqual([
        'run running',
        'stage build running',
        'task build.check running',
        'stage build success',
        'task build.check success (exit code 0, 1.2s, 3 log lines)',
        'stage deploy running',
        'environment test ready at http://127.0.0.1:4100',
        'task deploy.smoke running',
        'run failure',
        'stage deploy failure',
        'task deploy.smoke failure (exit code 7, 1.2s, 3 log lines)',
        '',
      ]);
      expect(engine.received.filter((r) => r.url.includes('/logs'))).toHaveLength(1);
    });

    it('with a logs endpoint: prints new lines, asking after the last cursor', async () => {
      let poll = 0;
      engine = await fakeEngine((request) => {
        if (request.url.endsWith('/logs'))
          return {
            status: 200,
            body: {
              lines: [
                { taskRunId: 't1', stage: 'build', task: 'check', stream: 'stdout', text: 'syntax ok', time: '' },
              ],
              next: 'c1',
            },
          };
        if (request.url.endsWith('/logs?after=c1'))
          return {
            status: 200,
            body: {
              lines: [
                {
                  taskRunId: 't2',
                  stage: 'deploy',
                  task: 'smoke',
                  stream: 'stdout',
                  text: 'hello, pipewright',
                  time: '',
                },
              ],
              next: 'c2',
            },
          };
        return {
          status: 200,
          body:
            poll++ === 0
              ? runView('running', { build: 'success', smoke: 'running' })
              : runView('success', { build: 'success', smoke: 'success' }),
        };
      });

      const sut = await pipewright(['logs', RUN_ID, '-F', '--interval', '10'], { cwd: tmpdir(), env: env(engine.url) });

      expect(sut.code).toBe(0);
      expect(sut.stdout).toContain('build.check │ syntax ok\n');
      expect(sut.stdout).toContain('deploy.smoke │ hello, pipewright\n');
      expect(sut.stderr).toBe('');
    });
  });

  describe('pipewright approve', () => {
    it('posts the approval', async () => {
      engine = await fakeEngine(() => ({ status: 201, body: {} }));
      const sut = await pipewright(['approve', RUN_ID, 'production', '--by', 'alice', '--comment', 'ship it'], {
        cwd: tmpdir(),
        env: env(engine.url),
      });
      expect(sut).toEqual({ code: 0, stdout: `Approved stage production of run ${RUN_ID} as alice.\n`, stderr: '' });
      expect(engine.received).toEqual([
        {
          method: 'POST',
          url: `/runs/${RUN_ID}/stages/production/approve`,
          authorization: 'Bearer tok-1',
          body: '{"by":"alice","comment":"ship it"}',
        },
      ]);
    });

    it("prints the engine's problem message", async () => {
      engine = await fakeEngine(() => ({
        status: 409,
        body: { code: 'approval.conflict', message: 'Stage production is not waiting for approval' },
      }));
      const sut = await pipewright(['approve', RUN_ID, 'production'], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(
        `pipewright approve: POST /runs/${RUN_ID}/stages/production/approve failed: 409 Stage production is not waiting for approval\n`,
      );
    });

    it('needs both the run and the stage (exit code 2)', async () => {
      const sut = await pipewright(['approve', RUN_ID], { cwd: tmpdir(), env: env('http://127.0.0.1:1') });
      expect(sut.code).toBe(2);
      expect(sut.stderr).toContain('pipewright approve: missing argument <stage>');
    });
  });
});
