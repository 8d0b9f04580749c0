import { cpSync, existsSync, readFileSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { pipewright, repoRoot, tempDir } from './cli-harness';

const examples = path.join(repoRoot, 'examples');

/** A copy of examples/<name> (and the shared flavours) in a temporary folder, so runs leave the repository clean. */
function copyExample(name: string): string {
  const dir = tempDir(`pipewright-example-${name}-`);
  cpSync(path.join(examples, name), path.join(dir, name), { recursive: true });
  cpSync(path.join(examples, 'flavours'), path.join(dir, 'flavours'), { recursive: true });
  return path.join(dir, name);
}

interface StateView {
  outcome?: string;
  stages: Record<
    string,
    { outcome?: string; environment?: { url: string; details?: Record<string, string>; releasedAt?: string } }
  >;
}

function latestState(repo: string): StateView {
  const runs = path.join(repo, '.pipewright', 'runs');
  return JSON.parse(
    readFileSync(path.join(runs, readlinkSync(path.join(runs, 'latest')), 'state.json'), 'utf8'),
  ) as StateView;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the examples, run locally for real', () => {
  it('examples/hello: starts the ephemeral environment, smoke-tests it, stops it', async () => {
    const repo = copyExample('hello');

    const sut = await pipewright(['run'], { cwd: repo });

    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/● environment test \(ephemeral\) for stage deploy at http:\/\/127\.0\.0\.1:\d+/);
    expect(sut.stdout).toMatch(/deploy\.smoke │ hello, pipewright$/m);
    const environment = latestState(repo).stages.deploy?.environment;
    expect(environment?.releasedAt).toBeDefined();
    expect(processAlive(Number(environment?.details?.pid))).toBe(false);
  });

  it('examples/classic-service: every stage of the classic flavour, approvals given with --approve', async () => {
    const repo = copyExample('classic-service');

    const sut = await pipewright(
      ['run', '--flavours', '../flavours', '--approve', 'exploratory', '--approve', 'production'],
      { cwd: repo },
    );

    expect(sut.code).toBe(0);
    const state = latestState(repo);
    expect(Object.fromEntries(Object.entries(state.stages).map(([name, s]) => [name, s.outcome]))).toEqual({
      commit: 'success',
      acceptance: 'success',
      capacity: 'success',
      exploratory: 'success',
      'pre-production': 'success',
      production: 'success',
    });
    expect(sut.stdout).toMatch(
      /acceptance\.acceptance-tests │ acceptance: place an order, reject a bad one, list orders: ok/,
    );
    expect(sut.stdout).toMatch(/capacity\.load-test │ capacity: 20 users, 0 failed/);
    expect(readFileSync(path.join(repo, '.deployments', 'production'), 'utf8')).toMatch(/^orders-\d+\n$/);
    expect(existsSync(path.join(repo, '.deployments', 'qa'))).toBe(true);
  });

  it('examples/strawberry: build, both lanes, publish', async () => {
    const repo = copyExample('strawberry');
    const sut = await pipewright(['run'], { cwd: repo });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/publish\.publish │ published strawberry 1\.0\./);
  });
});
