import { pipewright, tempRepository } from './cli-harness';

const twoStages = `component: shop
team: team-shop
solution: retail
pipeline:
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo compiled
    - name: deploy
      tasks:
        - name: push
          run: echo pushed
`;

describe('pipewright validate', () => {
  it('prints a one-line OK summary and exits 0', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const sut = await pipewright(['validate'], { cwd: repo });
    expect(sut).toEqual({
      code: 0,
      stdout: 'pipewright.yml: OK — pipeline "shop" (component shop): 2 stages, 2 tasks\n',
      stderr: '',
    });
  });

  it('prints every error as file:line:column: message and exits 1', async () => {
    const broken = twoStages
      .replace('    - name: deploy\n', '    - name: deploy\n      need: build\n')
      .replace('run: echo pushed', 'runn: echo pushed');
    const repo = tempRepository({ 'ci/pipewright.yml': broken });
    const sut = await pipewright(['validate', '--file', 'ci/pipewright.yml'], { cwd: repo });
    expect(sut.code).toBe(1);
    expect(sut.stdout.split('\n').filter(Boolean)).toEqual([
      'ci/pipewright.yml:11:7: unknown key "need" in stage "#2"; did you mean "needs"?',
      'ci/pipewright.yml:14:11: unknown key "runn" in task "push" in stage "deploy"; did you mean "run"?',
    ]);
    expect(sut.stderr).toBe('ci/pipewright.yml: 2 errors\n');
  });

  it('says so when there is no pipeline file', async () => {
    const repo = tempRepository({});
    const sut = await pipewright(['validate'], { cwd: repo });
    expect(sut.code).toBe(1);
    expect(sut.stdout).toBe('pipewright.yml:1:1: cannot read the pipeline: no such file\n');
  });
});

describe('pipewright graph', () => {
  it('prints the resolved DAG as Mermaid', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const sut = await pipewright(['graph', '--format', 'mermaid'], { cwd: repo });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toBe(
      [
        'flowchart LR',
        '  subgraph s0["build"]',
        '    direction TB',
        '    s0t0["compile"]',
        '  end',
        '  subgraph s1["deploy"]',
        '    direction TB',
        '    s1t0["push"]',
        '  end',
        '  s0 --> s1',
        '',
      ].join('\n'),
    );
  });

  it('prints it as text by default', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const sut = await pipewright(['graph'], { cwd: repo });
    expect(sut.stdout).toContain('stage deploy  ·  needs build\n  main:\n    push  $ echo pushed\n');
  });

  it('rejects an unknown format with exit code 2', async () => {
    const repo = tempRepository({ 'pipewright.yml': twoStages });
    const sut = await pipewright(['graph', '--format', 'dot'], { cwd: repo });
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('pipewright graph: --format must be one of text, mermaid (got "dot")');
  });
});
