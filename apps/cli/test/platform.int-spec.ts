import { createHash } from 'node:crypto';
import { cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipelineGraphSchema } from '@pipewright/pipeline-spec';
import { fakeEngine, type FakeEngine } from './fake-engine';
import { pipewright, repoRoot, tempDir, tempRepository } from './cli-harness';

const RUN_ID = '0b9f6c9e-7d1f-4d57-9a55-0c7b5c1f8a11';
const OTHER_RUN_ID = '6d2e1f3a-93b4-4c0e-8f2a-5b1c7d9e0a22';

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
    it("posts the repository's resolved pipeline with the workspace and revision, and prints the run id", async () => {
      engine = await fakeEngine(() => ({ status: 201, body: { id: RUN_ID, status: 'queued' } }));
      const repo = path.join(tempDir('pipewright-trigger-'), 'hello');
      cpSync(path.join(repoRoot, 'examples/hello'), repo, { recursive: true });

      const sut = await pipewright(['trigger', '--revision', 'abc1234'], { cwd: repo, env: env(engine.url) });

      expect(sut.code).toBe(0);
      expect(sut.stdout).toBe(`${RUN_ID}\n`);
      expect(sut.stderr).toContain(`pipewright logs ${RUN_ID} --follow`);
      const [request] = engine.received;
      expect(request).toMatchObject({ method: 'POST', url: '/runs', authorization: 'Bearer tok-1' });
      const body = JSON.parse(request?.body ?? '') as { workspace: string; revision: string; graph: unknown };
      expect(Object.keys(body).sort()).toEqual(['graph', 'revision', 'workspace']);
      expect(body).toMatchObject({ revision: 'abc1234', workspace: repo });
      const graph = pipelineGraphSchema.parse(body.graph);
      expect(graph).toMatchObject({ component: 'hello' });
      expect(graph.stages.map((s) => s.name)).toEqual(['build', 'deploy']);
    });

    it('prints pipeline mistakes as file:line:column and sends nothing', async () => {
      engine = await fakeEngine(() => ({ status: 500 }));
      const repo = tempRepository({
        'pipewright.yml': `component: c
team: t
solution: s
pipeline:
  stages:
    - name: ship
      tasks: [{ name: go, run: echo go, retries: 2 }]
`,
      });
      const sut = await pipewright(['trigger'], { cwd: repo, env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toMatch(/pipewright\.yml:7:\d+/);
      expect(engine.received).toEqual([]);
    });

    it('with --input, resolves the input into the graph it sends', async () => {
      engine = await fakeEngine(() => ({ status: 201, body: { id: RUN_ID, status: 'queued' } }));
      const repo = tempRepository({
        'pipewright.yml': 'component: c\nteam: t\nsolution: s\nflavour: deliver\n',
        '.pipewright/flavours/deliver.yml': `description: Ships to a target.
inputs:
  target: { default: staging }
pipeline:
  stages:
    - name: ship
      tasks: [{ name: go, run: "echo \${{ inputs.target }}" }]
`,
      });
      const sut = await pipewright(['trigger', '--input', 'target=production', '--revision', 'r1'], {
        cwd: repo,
        env: env(engine.url),
      });
      expect(sut.stderr).toContain('is queued');
      expect(sut.code).toBe(0);
      const body = JSON.parse(engine.received[0]?.body ?? '') as { graph: unknown };
      expect(pipelineGraphSchema.parse(body.graph).inputs).toMatchObject({ target: 'production' });
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
    it('prints lines and status changes until the run ends, says what the tail dropped, exits 1 on failure', async () => {
      const polls = [
        runView('running', { build: 'running', smoke: 'pending' }),
        runView('running', { build: 'success', smoke: 'running' }),
        runView('failure', { build: 'success', smoke: 'failure' }),
      ];
      let poll = 0;
      const line = (stage: string, task: string, seq: number, text: string) => ({
        taskRunId: task,
        stage,
        task,
        seq,
        stream: 'stdout',
        text,
        time: '',
      });
      engine = await fakeEngine((request) => {
        if (request.url.endsWith('/logs'))
          return {
            status: 200,
            body: {
              lines: [line('build', 'check', 4, 'syntax ok')],
              dropped: [{ taskRunId: 'check', stage: 'build', task: 'check', lines: 3 }],
              next: '0:4',
              more: true,
            },
          };
        // The smoke test's line shows up once the run has failed (the third poll).
        if (request.url.endsWith('/logs?after=0%3A4') && poll < 3)
          return { status: 200, body: { lines: [], dropped: [], next: '0:4', more: false } };
        if (request.url.endsWith('/logs?after=0%3A4'))
          return {
            status: 200,
            body: { lines: [line('deploy', 'smoke', 1, 'smoke failed')], dropped: [], next: '0:4,1:1', more: false },
          };
        return { status: 200, body: polls[Math.min(poll++, polls.length - 1)] };
      });

      const sut = await pipewright(['logs', RUN_ID, '--follow', '--interval', '10'], {
        cwd: tmpdir(),
        env: env(engine.url),
      });

      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe('');
      const out = sut.stdout.split('\n');
      expect(out.slice(0, 2)).toEqual([
        'build.check │ … 3 earlier lines not kept by the engine (its whole output is on the logs topic)',
        'build.check │ syntax ok',
      ]);
      // The failed task's line comes before the statuses of the poll that found it.
      expect(out.slice(-5)).toEqual([
        'deploy.smoke │ smoke failed',
        expect.stringMatching(/ run failure$/),
        expect.stringMatching(/ stage deploy failure$/),
        expect.stringMatching(/ task deploy\.smoke failure \(exit code 7, 1\.2s, 3 log lines\)$/),
        '',
      ]);
    });

    it('prints new lines, asking after the last cursor', async () => {
      let poll = 0;
      engine = await fakeEngine((request) => {
        if (request.url.endsWith('/logs'))
          return {
            status: 200,
            body: {
              lines: [
                { taskRunId: 't1', stage: 'build', task: 'check', stream: 'stdout', text: 'syntax ok', time: '' },
              ],
              dropped: [],
              next: 'c1',
              more: false,
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
              dropped: [],
              next: 'c2',
              more: false,
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
      engine = await fakeEngine(() => ({ status: 200, body: { decision: 'approved', by: 'alice' } }));
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

    it('with a token, leaves the approver to the engine and prints who it recorded', async () => {
      engine = await fakeEngine(() => ({ status: 200, body: { decision: 'approved', by: 'alice' } }));
      const sut = await pipewright(['approve', RUN_ID, 'production'], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut).toEqual({ code: 0, stdout: `Approved stage production of run ${RUN_ID} as alice.\n`, stderr: '' });
      expect(engine.received[0]?.body).toBe('{}');
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

  describe('pipewright cancel', () => {
    it('posts the request with the reason and says the engine is stopping the run', async () => {
      engine = await fakeEngine(() => ({
        status: 202,
        body: { id: RUN_ID, status: 'running', cancelRequestedBy: 'alice' },
      }));
      const sut = await pipewright(['cancel', RUN_ID, '--by', 'alice', '--reason', 'wrong branch'], {
        cwd: tmpdir(),
        env: env(engine.url),
      });
      expect(sut).toEqual({
        code: 0,
        stdout: `Cancelling run ${RUN_ID}: the engine kills its tasks and runs its clean-up (pipewright status ${RUN_ID} to follow).\n`,
        stderr: '',
      });
      expect(engine.received).toEqual([
        {
          method: 'POST',
          url: `/runs/${RUN_ID}/cancel`,
          authorization: 'Bearer tok-1',
          body: '{"by":"alice","reason":"wrong branch"}',
        },
      ]);
    });

    it('says so when the run had not started (it is over at once)', async () => {
      engine = await fakeEngine(() => ({ status: 202, body: { id: RUN_ID, status: 'cancel' } }));
      const sut = await pipewright(['cancel', RUN_ID], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut).toEqual({ code: 0, stdout: `Run ${RUN_ID} cancelled (it had not started).\n`, stderr: '' });
      expect(engine.received[0]?.body).toBe('{}');
    });

    it("prints the engine's problem for a finished run (exit code 1)", async () => {
      engine = await fakeEngine(() => ({
        status: 409,
        body: {
          code: 'run.conflict',
          message: `Run ${RUN_ID} is already finished (success): there is nothing to cancel`,
        },
      }));
      const sut = await pipewright(['cancel', RUN_ID], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(
        `pipewright cancel: POST /runs/${RUN_ID}/cancel failed: 409 Run ${RUN_ID} is already finished (success): there is nothing to cancel\n`,
      );
    });
  });

  describe('pipewright rerun', () => {
    it('prints the new run id on stdout and what it reuses on stderr', async () => {
      engine = await fakeEngine(() => ({
        status: 201,
        body: { id: OTHER_RUN_ID, status: 'running', of: RUN_ID, version: '1.0.7', reusedStages: ['build', 'test'] },
      }));
      const sut = await pipewright(['rerun', RUN_ID, '--by', 'alice'], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut).toEqual({
        code: 0,
        stdout: `${OTHER_RUN_ID}\n`,
        stderr: `Re-running run ${RUN_ID} as version 1.0.7, reusing build, test.\nFollow it with: pipewright logs ${OTHER_RUN_ID} --follow\n`,
      });
      expect(engine.received).toEqual([
        { method: 'POST', url: `/runs/${RUN_ID}/rerun`, authorization: 'Bearer tok-1', body: '{"by":"alice"}' },
      ]);
    });

    it("prints the engine's problem for a run that succeeded (exit code 1)", async () => {
      engine = await fakeEngine(() => ({
        status: 409,
        body: { code: 'rerun.conflict', message: `Run ${RUN_ID} succeeded: there is nothing to re-run` },
      }));
      const sut = await pipewright(['rerun', RUN_ID], { cwd: tmpdir(), env: env(engine.url) });
      expect(sut.code).toBe(1);
      expect(sut.stderr).toBe(
        `pipewright rerun: POST /runs/${RUN_ID}/rerun failed: 409 Run ${RUN_ID} succeeded: there is nothing to re-run\n`,
      );
    });
  });

  describe('pipewright runs', () => {
    it('lists the runs as a table and prints how to get the next page', async () => {
      const { stages: _stages, ...summary } = runView('failure', { build: 'success', smoke: 'failure' });
      engine = await fakeEngine(() => ({
        status: 200,
        body: { runs: [{ ...summary, durationMs: 61_000 }], next: 'c-2' },
      }));
      const sut = await pipewright(['runs', '--component', 'hello', '--status', 'failure'], {
        cwd: tmpdir(),
        env: env(engine.url),
      });
      expect(sut.code).toBe(0);
      expect(engine.received[0]).toMatchObject({
        url: '/runs?component=hello&status=failure&limit=20',
        authorization: 'Bearer tok-1',
      });
      expect(sut.stdout).toContain(`${RUN_ID}  hello      7        failure  2025-01-01 00:00:00`);
      expect(sut.stdout).toContain('More: pipewright runs --after c-2\n');
    });
  });

  describe('pipewright token', () => {
    it('hashes a token read from stdin as the tokens file wants it', async () => {
      const sut = await pipewright(['token', 'hash'], { cwd: tmpdir(), answers: ['test'] });
      expect(sut).toEqual({
        code: 0,
        stdout: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n',
        stderr: '',
      });
    });

    it('makes a new token and prints it with the line for the tokens file', async () => {
      const sut = await pipewright(['token', 'new'], { cwd: tmpdir() });
      expect(sut.code).toBe(0);
      const [, token, hash] = /^token: +(pw_\S{43})\nsha256: ([0-9a-f]{64})\n/.exec(sut.stdout) ?? [];
      expect(
        createHash('sha256')
          .update(token ?? '')
          .digest('hex'),
      ).toBe(hash);
      expect(sut.stdout).toContain(`sha256: ${hash}, teams: [<team>] }`);
    });
  });
});
