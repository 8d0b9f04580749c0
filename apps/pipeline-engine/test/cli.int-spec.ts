import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APPROVAL_REQUESTED, PIPELINE_RUN_FINISHED } from '@pipewright/contracts';
import { uniqueId } from '@pipewright/testing';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';
import { ensureBuilt } from './support/engine-process';
import { cdevent } from './support/peers';

jest.setTimeout(120_000);

const CLI_DIR = join(__dirname, '../../cli');
const CLI = join(CLI_DIR, 'dist/main.js');
const TOKEN = 'alice-cli-t0ken';

/**
 * The `pipewright` command (built, as a user runs it) against the engine app with bearer tokens:
 * trigger a repository's pipeline and follow it, approve its gated stage, list it.
 */
describe('the pipewright CLI against the engine', () => {
  let bed: EngineAppTestbed;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ensureBuilt(CLI_DIR);
    bed = await EngineAppTestbed.open({}, [{ name: 'alice', token: TOKEN, teams: ['team-cli'] }]);
    await bed.app.listen(0, '127.0.0.1');
    const { port } = (bed.app.getHttpServer() as Server).address() as AddressInfo;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      PIPEWRIGHT_URL: `http://127.0.0.1:${port}`,
      PIPEWRIGHT_TOKEN: TOKEN,
    };
  });

  afterAll(() => bed?.close());

  it('triggers with --follow, prints the lines and statuses until the approved run succeeds', async () => {
    const repo = await bed.workspace('engine-cli-repo-');
    const component = uniqueId('cli-');
    await writeFile(
      join(repo, 'pipewright.yml'),
      `component: ${component}
team: team-cli
solution: shop
pipeline:
  name: delivered
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo "compiled ${component}"
    - name: production
      approval: { approvers: [alice] }
      tasks:
        - name: deploy
          run: echo deployed
`,
    );
    const trigger = spawn(
      process.execPath,
      [CLI, 'trigger', '--follow', '--interval', '100', '--revision', 'abc1234'],
      {
        cwd: repo,
        env,
      },
    );
    let stdout = '';
    let stderr = '';
    trigger.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => trigger.on('close', resolve));
    const runId = await new Promise<string>((resolve, reject) => {
      trigger.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const first = /^([0-9a-f-]{36})\n/.exec(stdout);
        if (first?.[1]) resolve(first[1]);
      });
      trigger.on('close', () => reject(new Error(`trigger exited early: ${stderr}`)));
    });

    await bed.peers.allocateVersion(runId, '1.0.0');
    await bed.peers.eventOf(APPROVAL_REQUESTED, runId);
    const approve = await promisify(execFile)(process.execPath, [CLI, 'approve', runId, 'production'], { env });
    expect(approve.stdout).toBe(`Approved stage production of run ${runId} as alice.\n`);

    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));
    expect(lines).toEqual(
      expect.arrayContaining([`build.compile │ compiled ${component}`, 'production.deploy │ deployed', 'run success']),
    );
    expect(lines.indexOf('production.deploy │ deployed')).toBeLessThan(lines.indexOf('run success'));

    const run = (await (
      await fetch(`${env.PIPEWRIGHT_URL}/runs/${runId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as RunDto;
    expect(run).toMatchObject({ revision: 'abc1234', trigger: { type: 'http', by: 'alice' }, status: 'success' });
    expect(run.stages[1]?.approval).toMatchObject({ decision: 'approved', by: 'alice' });

    const runs = await promisify(execFile)(process.execPath, [CLI, 'runs', '--component', component], { env });
    expect(runs.stdout).toContain(runId);
  });

  it('cancels a run waiting for approval as the token owner, and refuses to cancel it twice', async () => {
    const repo = await bed.workspace('engine-cli-repo-');
    await writeFile(
      join(repo, 'pipewright.yml'),
      `component: ${uniqueId('cli-')}\nteam: team-cli\nsolution: shop\npipeline:\n  name: gated\n  stages:\n    - name: production\n      approval: { approvers: [alice] }\n      tasks:\n        - name: deploy\n          run: echo deployed\n`,
    );
    const trigger = await promisify(execFile)(process.execPath, [CLI, 'trigger', '--revision', 'def5678'], {
      cwd: repo,
      env,
    });
    const runId = trigger.stdout.trim();
    await bed.peers.allocateVersion(runId, '1.0.0');
    await bed.peers.eventOf(APPROVAL_REQUESTED, runId);

    const cancel = await promisify(execFile)(process.execPath, [CLI, 'cancel', runId, '--reason', 'not today'], {
      env,
    });
    expect(cancel.stdout).toBe(
      `Cancelling run ${runId}: the engine kills its tasks and runs its clean-up (pipewright status ${runId} to follow).\n`,
    );
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId));
    expect(finished.subject.content).toMatchObject({ outcome: 'cancel' });
    expect((finished.subject.content as { errors: string }).errors).toContain('cancelled by alice: not today');

    const again = await promisify(execFile)(process.execPath, [CLI, 'cancel', runId], { env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain('409 Run');
  });
});
