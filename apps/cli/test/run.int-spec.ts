import { existsSync, readFileSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipewright, tempRepository } from './cli-harness';

/** build counts its executions in build-count; test fails until the file `fixed` exists. */
const twoStages = `component: shop
team: team-shop
solution: retail
pipeline:
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo run >> build-count && echo "version=1.2.3" >> "$PIPEWRIGHT_OUTPUT" && echo compiled
          outputs: [version]
    - name: test
      tasks:
        - name: unit
          run: |
            for i in $(seq 1 25); do echo "test line $i"; done
            test -f fixed || { echo "not fixed yet" >&2; exit 3; }
            echo "tested \${{ stages.build.tasks.compile.outputs.version }}"
`;

function runsDir(repo: string): string {
  return path.join(repo, '.pipewright', 'runs');
}

function latestRun(repo: string): string {
  return readlinkSync(path.join(runsDir(repo), 'latest'));
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

interface StateView {
  runId: string;
  status: string;
  outcome?: string;
  stages: Record<string, { outcome?: string; reused?: boolean }>;
  tasks: Record<string, { outcome?: string; outputs: Record<string, string>; reused?: boolean }>;
}

describe('pipewright run', () => {
  it('runs a two-stage pipeline with real shell tasks and writes the run to .pipewright/runs', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages, fixed: '' });

    const sut = await pipewright(['run'], { cwd: repo });

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const runId = latestRun(repo);
    const runDir = path.join(runsDir(repo), runId);
    const state = readJson<StateView>(path.join(runDir, 'state.json'));
    expect(state).toMatchObject({ runId, status: 'finished', outcome: 'success' });
    expect(state.tasks['build.compile']?.outputs).toEqual({ version: '1.2.3' });
    expect(readJson<{ name: string }>(path.join(runDir, 'graph.json')).name).toBe('shop');
    expect(readdirSync(path.join(runDir, 'logs')).sort()).toEqual(['build.compile.1.log', 'test.unit.1.log']);
    expect(readFileSync(path.join(runDir, 'logs', 'test.unit.1.log'), 'utf8')).toContain('tested 1.2.3\n');
    // Plain progress (stdout is not a terminal), then the summary table.
    expect(sut.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ▶ run .*: pipeline shop, 2 stages, 2 tasks$/m);
    expect(sut.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {3}build\.compile │ compiled$/m);
    expect(sut.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ✓ task test\.unit success \(in [\d.]+m?s\)$/m);
    expect(sut.stdout).toMatch(/^STAGE +TASK +STATUS +DURATION$/m);
    expect(sut.stdout).toMatch(/^build +compile +success +[\d.]+m?s$/m);
    expect(sut.stdout).toMatch(/^test +unit +success +[\d.]+m?s$/m);
    expect(sut.stdout).toContain(`✓ run ${runId} success in `);
  });

  it('exits 1 on a failing task, with the summary and its last 20 log lines', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });

    const sut = await pipewright(['run'], { cwd: repo });

    expect(sut.code).toBe(1);
    expect(sut.stdout).toMatch(/^test +unit +failure +[\d.]+m?s$/m);
    const runId = latestRun(repo);
    const tail = sut.stdout.slice(sut.stdout.indexOf('── test.unit failure (exit code 3)'));
    expect(tail.split('\n').slice(0, 22)).toEqual([
      '── test.unit failure (exit code 3)',
      `   last 20 lines of .pipewright/runs/${runId}/logs/test.unit.1.log:`,
      ...Array.from({ length: 19 }, (_, i) => `   test line ${i + 7}`),
      '   not fixed yet',
    ]);
    expect(sut.stdout).toContain(`✗ run ${runId} failure in `);
    expect(sut.stdout).toContain('pipewright run --from-failed');
  });

  it('--from-failed re-runs from the failed stage, reusing the stage that succeeded and its outputs', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const failed = await pipewright(['run'], { cwd: repo });
    expect(failed.code).toBe(1);
    const firstRun = latestRun(repo);

    writeFileSync(path.join(repo, 'fixed'), '');
    const sut = await pipewright(['run', '--from-failed'], { cwd: repo });

    expect(sut.code).toBe(0);
    expect(readFileSync(path.join(repo, 'build-count'), 'utf8')).toBe('run\n');
    const secondRun = latestRun(repo);
    expect(secondRun).not.toBe(firstRun);
    const state = readJson<StateView>(path.join(runsDir(repo), secondRun, 'state.json'));
    expect(state.stages.build).toMatchObject({ outcome: 'success', reused: true });
    expect(state.stages.test?.outcome).toBe('success');
    expect(readFileSync(path.join(runsDir(repo), secondRun, 'logs', 'test.unit.1.log'), 'utf8')).toContain(
      'tested 1.2.3',
    );
    expect(sut.stdout).toMatch(/^build +compile +success \(reused\)\s*$/m);
    expect(readJson<{ previousRun?: string }>(path.join(runsDir(repo), secondRun, 'run.json')).previousRun).toBe(
      firstRun,
    );
  });

  it('--mock runs no task process and succeeds', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });

    const sut = await pipewright(['run', '--mock'], { cwd: repo });

    expect(sut.code).toBe(0);
    expect(existsSync(path.join(repo, 'build-count'))).toBe(false);
    expect(sut.stdout).toMatch(/^test +unit +success +1\.0s$/m);
    expect(sut.stdout).toContain('(mock mode, virtual time)');
    // A mock run does not become the run --from-failed continues.
    expect(existsSync(path.join(runsDir(repo), 'latest'))).toBe(false);
  });

  it('--to runs up to a stage only', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const sut = await pipewright(['run', '--to', 'build'], { cwd: repo });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/^build +compile +success/m);
    expect(sut.stdout).not.toMatch(/^test +unit/m);
  });

  it('--only runs one task, with the outputs of the latest run', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages, fixed: '' });
    expect((await pipewright(['run'], { cwd: repo })).code).toBe(0);

    const sut = await pipewright(['run', '--only', 'unit'], { cwd: repo });

    expect(sut.code).toBe(0);
    expect(readFileSync(path.join(repo, 'build-count'), 'utf8')).toBe('run\n');
    expect(sut.stdout).toMatch(/test\.unit │ tested 1\.2\.3$/m);
    expect(sut.stdout).toMatch(/^test +unit +success +[\d.]+m?s$/m);
  });

  it('--from-failed after a run that succeeded has nothing to do', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages, fixed: '' });
    expect((await pipewright(['run'], { cwd: repo })).code).toBe(0);
    const sut = await pipewright(['run', '--from-failed'], { cwd: repo });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/^Every stage succeeded in the latest run \S+; there is nothing to re-run\.$/m);
    expect(readFileSync(path.join(repo, 'build-count'), 'utf8')).toBe('run\n');
  });

  it('masks --secret values in output and logs', async () => {
    const repo = tempRepository({
      'pipewright.yml': twoStages.replace('echo compiled', 'echo "token is $DEPLOY_TOKEN"'),
    });
    const sut = await pipewright(['run', '--to', 'build', '--secret', 'DEPLOY_TOKEN'], {
      cwd: repo,
      env: { DEPLOY_TOKEN: 's3cr3t-value' },
    });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toContain('token is ***');
    expect(sut.stdout).not.toContain('s3cr3t-value');
    const log = readFileSync(path.join(runsDir(repo), latestRun(repo), 'logs', 'build.compile.1.log'), 'utf8');
    expect(log).toBe('token is ***\n');
  });

  it('Ctrl-C cancels the run: the task is stopped, exit code 130', async () => {
    const repo = tempRepository({
      'pipewright.yml': twoStages.replace('echo compiled', 'echo started && sleep 30'),
    });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 500);

    const sut = await pipewright(['run'], { cwd: repo, signal: controller.signal });

    expect(sut.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sut.stdout).toMatch(/^build +compile +cancel/m);
  });

  it('an ephemeral environment that does not come up errors its stage, showing its output', async () => {
    const repo = tempRepository({
      'pipewright.yml': `component: shop
team: team-shop
solution: retail
pipeline:
  stages:
    - name: deploy
      environment: { name: test, command: 'echo "cannot bind $PORT" >&2; exit 4', healthPath: /health }
      tasks: [{ name: smoke, run: curl -fsS "$PIPEWRIGHT_ENV_URL/health" }]
`,
    });

    const sut = await pipewright(['run'], { cwd: repo });

    expect(sut.code).toBe(1);
    expect(sut.stdout).toMatch(
      /stage deploy: error — .*environment "test" \(echo "cannot bind \$PORT" >&2; exit 4\) exited with code 4 before it was ready; its last output:\n +cannot bind \d+/,
    );
  });

  describe('approvals', () => {
    const gated = `component: shop
team: team-shop
solution: retail
pipeline:
  stages:
    - name: build
      tasks: [{ name: compile, run: echo compiled }]
    - name: production
      approval: { approvers: [alice] }
      tasks: [{ name: release, run: echo released }]
`;

    it('fails the stage clearly when there is no terminal to ask', async () => {
      const repo = tempRepository({ 'pipewright.yml': gated });
      const sut = await pipewright(['run'], { cwd: repo });
      expect(sut.code).toBe(1);
      expect(sut.stdout).toContain(
        'stage "production" needs an approval and there is no terminal to ask; pass --approve production to approve it in advance',
      );
    });

    it('--approve approves in advance', async () => {
      const repo = tempRepository({ 'pipewright.yml': gated });
      const sut = await pipewright(['run', '--approve', 'production'], { cwd: repo });
      expect(sut.code).toBe(0);
      expect(sut.stdout).toMatch(/✓ stage production approved by \S+/);
    });

    it('asks on the terminal', async () => {
      const repo = tempRepository({ 'pipewright.yml': gated });
      const sut = await pipewright(['run'], { cwd: repo, answers: ['maybe', 'y'] });
      expect(sut.stdout).toMatch(
        /Approve stage "production" \(approvers: alice\) as \S+\? \[y\/n\] Please answer y or n\./,
      );
      expect(sut.code).toBe(0);
    });

    it('a "no" at the terminal fails the stage', async () => {
      const repo = tempRepository({ 'pipewright.yml': gated });
      const sut = await pipewright(['run'], { cwd: repo, answers: ['n'] });
      expect(sut.code).toBe(1);
      expect(sut.stdout).toMatch(/✗ stage production rejected by \S+: rejected at the terminal/);
    });
  });

  describe('flag validation (exit code 2)', () => {
    it.each([
      [['--mok'], 'pipewright run: unknown option --mok for "pipewright run"; did you mean --mock?'],
      [
        ['--input', 'nokey'],
        'pipewright run: --input expects key=value with a key of letters, digits, "_" or "-" (got "nokey")',
      ],
      [
        ['--to', 'deploi'],
        'pipewright run: --to: no stage or task "deploi" in pipeline "shop"; stages are: build, test',
      ],
      [['--to', 'tset'], 'pipewright run: --to: no stage or task "tset" in pipeline "shop"; did you mean "test"?'],
      [['--only', 'build'], 'pipewright run: --only: "build" is a stage; name one of its tasks: build.compile'],
      [['--to', 'build', '--only', 'test.unit'], 'pipewright run: --to and --only cannot be used together'],
      [
        ['--secret', 'NOT_SET_ANYWHERE'],
        'pipewright run: --secret NOT_SET_ANYWHERE: the environment variable NOT_SET_ANYWHERE is not set',
      ],
      [['--approve', 'build'], 'pipewright run: --approve: stage "build" needs no approval'],
      [['--from-failed'], 'pipewright run: --from-failed: there is no earlier run in'],
    ])('%j', async (argv, message) => {
      const repo = tempRepository({ 'pipewright.yml': twoStages });
      const sut = await pipewright(['run', ...argv], { cwd: repo });
      expect(sut.code).toBe(2);
      expect(sut.stderr).toContain(message);
      expect(existsSync(path.join(repo, 'build-count'))).toBe(false);
    });

    it('an unknown --input name is a usage error too', async () => {
      const repo = tempRepository({ 'pipewright.yml': twoStages });
      const sut = await pipewright(['run', '--input', 'colour=red'], { cwd: repo });
      expect(sut.code).toBe(2);
      expect(sut.stderr).toBe('--input: unknown input "colour"; this pipeline declares no inputs\n');
    });
  });
});
