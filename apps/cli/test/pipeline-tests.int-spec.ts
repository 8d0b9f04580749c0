import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { pipewright, repoRoot, tempRepository } from './cli-harness';

const pipeline = `component: shop
team: team-shop
solution: retail
pipeline:
  stages:
    - name: build
      tasks: [{ name: compile, run: make }]
    - name: deploy
      tasks: [{ name: push, run: make push }]
`;

const passing = `- name: build then deploy
  expect:
    outcome: success
    order: [[build.compile, deploy.push]]
`;

const failing = `- name: a failing build stops the deploy
  given:
    outcomes: { build.compile: failure }
  expect:
    outcome: failure
    ran: [deploy.push]
`;

describe('pipewright test', () => {
  it('passes: ✓ per case, exit 0', async () => {
    const repo = tempRepository({ 'pipewright.yml': pipeline, 'pipewright.test.yml': passing });
    const sut = await pipewright(['test'], { cwd: repo });
    expect(sut).toEqual({
      code: 0,
      stdout: 'pipewright.test.yml\n  ✓ build then deploy (success, 2.0s virtual)\n\n1 passed\n',
      stderr: '',
    });
  });

  it('fails: ✗ with what was expected and what ran, exit 1', async () => {
    const repo = tempRepository({ 'pipewright.yml': pipeline, 'pipewright.test.yml': `${passing}\n${failing}` });
    const sut = await pipewright(['test'], { cwd: repo });
    expect(sut.code).toBe(1);
    expect(sut.stdout.split('\n')).toEqual([
      'pipewright.test.yml',
      '  ✓ build then deploy (success, 2.0s virtual)',
      '  ✗ a failing build stops the deploy (failure, 1.0s virtual)  pipewright.test.yml:6',
      '      - pipewright.test.yml:11:11: expected deploy.push to run, but it was skipped (its stage was skipped: it needs stage "build", which did not succeed (failure)); tasks that ran: build.compile',
      '      ran: build.compile',
      '',
      '1 failed, 1 passed',
      '',
    ]);
  });

  it('reports mistakes in the test file at file:line:column, exit 1', async () => {
    const repo = tempRepository({
      'ci/pipewright.yml': pipeline,
      'ci/pipewright.test.yml': '- name: typo\n  expect:\n    ran: [deploy.pus]\n',
    });
    const sut = await pipewright(['test', 'ci/pipewright.test.yml'], { cwd: repo });
    expect(sut.code).toBe(1);
    expect(sut.stderr).toBe('ci/pipewright.test.yml:3:11: unknown task "deploy.pus"; did you mean "deploy.push"?\n');
  });

  it('says where the tests should be when there are none', async () => {
    const repo = tempRepository({ 'pipewright.yml': pipeline });
    const sut = await pipewright(['test'], { cwd: repo });
    expect(sut.code).toBe(1);
    expect(sut.stderr).toBe(
      'pipewright.test.yml: cannot read the pipeline tests (write them in pipewright.test.yml next to pipewright.yml)\n',
    );
  });

  describe('every example', () => {
    const examples = path.join(repoRoot, 'examples');
    const withPipelines = readdirSync(examples).filter((name) =>
      existsSync(path.join(examples, name, 'pipewright.yml')),
    );

    it('has pipeline tests', () => {
      expect(withPipelines.length).toBeGreaterThanOrEqual(3);
      for (const name of withPipelines) expect(existsSync(path.join(examples, name, 'pipewright.test.yml'))).toBe(true);
    });

    it.each(withPipelines)('examples/%s: its pipeline tests pass', async (name) => {
      const sut = await pipewright(['test', '--flavours', '../flavours'], { cwd: path.join(examples, name) });
      expect(sut.stderr).toBe('');
      expect(sut.stdout).not.toContain('✗');
      expect(sut.code).toBe(0);
    });
  });
});
