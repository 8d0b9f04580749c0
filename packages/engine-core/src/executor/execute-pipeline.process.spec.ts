import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineGraph } from '@pipewright/pipeline-spec';
import { graphOf, recordingReporter } from '../../test/graphs';
import { executePipeline } from './execute-pipeline';
import type { EnvironmentProvider, ExecuteOptions } from './executor.types';

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'engine-spec-'));
});
afterEach(() => rm(workspace, { recursive: true, force: true }));

async function run(graph: PipelineGraph, options: Partial<ExecuteOptions> = {}) {
  const reporter = recordingReporter();
  const result = await executePipeline(graph, {
    run: { id: 'run-1', version: '1.4.0' },
    workspace,
    env: { PATH: process.env.PATH },
    reporter,
    ...options,
  });
  return { result, reporter };
}

/** Whether a process still runs. A zombie (exited, not yet reaped by PID 1) has stopped running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
  return state !== 'Z' && state !== 'X';
}

describe('executePipeline with shell tasks', () => {
  it('runs parallel lanes at the same time: wall time is the longest lane, not the sum', async () => {
    const lane = (n: number) => `- - { name: sleep-${n}, run: sleep 0.4 }`;
    const graph = graphOf(`
  stages:
    - name: test
      tasks:
        - parallel:
            ${[1, 2, 3, 4].map(lane).join('\n            ')}
`);
    const started = performance.now();
    const { result } = await run(graph);
    const wall = performance.now() - started;
    expect(result.outcome).toBe('success');
    expect(wall).toBeGreaterThanOrEqual(400);
    expect(wall).toBeLessThan(1200); // the sum would be 1600
  });

  it('passes outputs written to $PIPEWRIGHT_OUTPUT to later tasks, in the stage and in later stages', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks:
        - { name: compile, run: 'echo "version=2.0.$PIPEWRIGHT_ATTEMPT" >> "$PIPEWRIGHT_OUTPUT"', outputs: [version] }
        - { name: show, run: 'echo "same stage: \${{ tasks.compile.outputs.version }}"' }
    - name: deploy
      tasks:
        - name: push
          run: 'echo "next stage: $VERSION in $PIPEWRIGHT_STAGE/$PIPEWRIGHT_TASK of $PIPEWRIGHT_RUN_ID ($PIPEWRIGHT_RUN_VERSION)"'
          env: { VERSION: "v\${{ stages.build.tasks.compile.outputs.version }}" }
`);
    const { result, reporter } = await run(graph);
    expect(result.outcome).toBe('success');
    expect(result.state.tasks['build.compile']?.outputs).toEqual({ version: '2.0.1' });
    expect(reporter.lines).toEqual([
      'build.show: same stage: 2.0.1',
      'deploy.push: next stage: v2.0.1 in deploy/push of run-1 (1.4.0)',
    ]);
  });

  it('gives secrets to tasks as environment variables and masks them in every line', async () => {
    const graph = graphOf(`
  stages:
    - name: deploy
      tasks:
        - name: login
          run: 'echo "token $API_TOKEN"; echo "again \${{ secrets.API_TOKEN }}" >&2; exit 3'
`);
    const { result, reporter } = await run(graph, { secrets: { API_TOKEN: 's3cr3t-value' } });
    expect(reporter.lines.sort()).toEqual(['deploy.login: again ***', 'deploy.login: token ***']);
    expect(result.state.tasks['deploy.login']).toMatchObject({
      outcome: 'failure',
      exitCode: 3,
      reason: 'exit code 3',
    });
    expect(JSON.stringify(reporter.events)).not.toContain('s3cr3t');
  });

  it('retries a failing task after exponential backoff, on the injected clock', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks:
        - name: flaky
          run: 'echo attempt $PIPEWRIGHT_ATTEMPT; test $PIPEWRIGHT_ATTEMPT -ge 3'
          retry: { attempts: 5, backoff: { initial: 2s, max: 1m, jitter: 0 } }
`);
    const delays: number[] = [];
    const { result, reporter } = await run(graph, {
      clock: { now: () => Date.now(), sleep: async (ms) => void delays.push(ms) },
    });
    expect(result.outcome).toBe('success');
    expect(delays).toEqual([2000, 4000]);
    expect(reporter.lines).toEqual(['build.flaky: attempt 1', 'build.flaky: attempt 2', 'build.flaky: attempt 3']);
  });

  it('kills a task that runs over its timeout and fails it', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: hang, run: sleep 30, timeout: 300ms }]
`);
    const started = performance.now();
    const { result } = await run(graph);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result.state.tasks['build.hang']).toMatchObject({
      outcome: 'failure',
      timedOut: true,
      reason: 'timed out after 300ms',
    });
  });

  describe('environments', () => {
    const graph = graphOf(`
  stages:
    - name: acceptance
      environment: { name: acceptance, command: node server.js }
      tasks:
        - { name: smoke, run: 'echo "testing $PIPEWRIGHT_ENV_URL ($PIPEWRIGHT_ENV_NAME)"; exit 1' }
    - name: production
      needs: []
      environment: production
      tasks: [{ name: deploy, run: 'echo "deploying to $PIPEWRIGHT_ENV_URL"' }]
`);

    function provider(calls: string[]): EnvironmentProvider {
      return {
        provide: async (stage, environment, context) => {
          calls.push(`provide ${environment.name} (${environment.lifetime}) for ${context.runId}`);
          return { url: `http://${stage.name}.test`, details: { id: `env-${stage.name}` } };
        },
        release: async (_stage, environment, provided) => {
          calls.push(`release ${environment.name} ${provided.details?.id ?? ''}`);
        },
      };
    }

    it('provides the environment before the stage and releases it after the run, also when the stage failed', async () => {
      const calls: string[] = [];
      const { result, reporter } = await run(graph, { environments: provider(calls) });
      expect(result.outcome).toBe('failure');
      expect(reporter.lines.sort()).toEqual([
        'acceptance.smoke: testing http://acceptance.test (acceptance)',
        'production.deploy: deploying to http://production.test',
      ]);
      expect(calls.slice(0, 2).sort()).toEqual([
        'provide acceptance (ephemeral) for run-1',
        'provide production (long-lived) for run-1',
      ]);
      expect(calls.slice(2)).toEqual(['release acceptance env-acceptance', 'release production env-production']);
      expect(result.state.stages.acceptance?.environment).toMatchObject({
        url: 'http://acceptance.test',
        releasedAt: expect.any(String),
      });
      const runFinished = reporter.events.indexOf('run.finished failure');
      expect(reporter.events.indexOf('environment.released acceptance http://acceptance.test')).toBeLessThan(
        runFinished,
      );
    });

    it('errors the stage when the environment cannot be provided, and runs none of its tasks', async () => {
      const { result } = await run(graph, {
        environments: {
          provide: async () => {
            throw new Error('no capacity');
          },
          release: async () => undefined,
        },
      });
      expect(result.state.stages.acceptance).toMatchObject({
        outcome: 'error',
        reason: 'environment "acceptance" could not be provided: no capacity',
      });
      expect(result.state.tasks['acceptance.smoke']?.outcome).toBe('skipped');
    });
  });

  it('cancel kills the running process group, still runs clean-up, releases environments and ends cancel', async () => {
    const pidFile = join(workspace, 'child.pid');
    const graph = graphOf(`
  stages:
    - name: deploy
      environment: qa
      tasks:
        - { name: wait, run: 'sleep 30 & echo $! > child.pid; echo started; wait' }
        - { name: after, run: 'echo never' }
      last:
        - { name: cleanup, run: 'echo "cleaning up"' }
        - { name: on-cancel, run: 'echo "was cancelled"', if: "cancelled()" }
        - { name: on-success, run: 'echo never', if: "success()" }
    - name: release
      tasks: [{ name: publish, run: 'echo never' }]
`);
    const controller = new AbortController();
    const released: string[] = [];
    const reporter = recordingReporter();
    const started = performance.now();
    const result = await executePipeline(graph, {
      run: { id: 'run-1' },
      workspace,
      env: { PATH: process.env.PATH },
      signal: controller.signal,
      environments: {
        provide: async () => ({ url: 'http://qa' }),
        release: async (stage) => void released.push(stage.name),
      },
      reporter: {
        ...reporter,
        onTaskLine: (event) => {
          reporter.lines.push(`${event.task.id}: ${event.line.text}`);
          if (event.line.text === 'started') controller.abort();
        },
      },
    });
    expect(performance.now() - started).toBeLessThan(5000);
    const child = Number(await readFile(pidFile, 'utf8'));
    expect(alive(child)).toBe(false);
    expect(result.outcome).toBe('cancel');
    expect(result.state.tasks['deploy.wait']?.outcome).toBe('cancel');
    expect(result.state.tasks['deploy.after']).toMatchObject({ outcome: 'skipped', reason: 'the run was cancelled' });
    expect(reporter.lines).toEqual([
      'deploy.wait: started',
      'deploy.cleanup: cleaning up',
      'deploy.on-cancel: was cancelled',
    ]);
    expect(result.state.stages.deploy?.outcome).toBe('cancel');
    expect(result.state.stages.release?.outcome).toBe('skipped');
    expect(released).toEqual(['deploy']);
  });

  it('killSignal stops clean-up tasks that run after a cancel too', async () => {
    const graph = graphOf(`
  stages:
    - name: deploy
      tasks:
        - { name: wait, run: 'echo started; sleep 30' }
      last:
        - { name: slow-cleanup, run: 'echo cleaning; sleep 30' }
`);
    const cancel = new AbortController();
    const kill = new AbortController();
    const started = performance.now();
    const result = await executePipeline(graph, {
      run: { id: 'run-1' },
      workspace,
      env: { PATH: process.env.PATH },
      signal: cancel.signal,
      killSignal: kill.signal,
      reporter: {
        onTaskLine: ({ line }) => {
          if (line.text === 'started') cancel.abort();
          if (line.text === 'cleaning') kill.abort();
        },
      },
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.outcome).toBe('cancel');
    expect(result.state.tasks['deploy.slow-cleanup']?.outcome).toBe('cancel');
  });

  it('errors a task of a type nobody can run, and runs other types through the registry', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: 'echo hi' }]
`);
    const seen: string[] = [];
    const { result } = await run(graph, {
      taskTypes: {
        shell: {
          execute: async (execution) => {
            seen.push(`${JSON.stringify(execution.inputs.run)} in ${execution.cwd}`);
            return { outcome: 'success', exitCode: 0, timedOut: false, durationMs: 1, outputs: {} };
          },
        },
      },
    });
    expect(seen).toEqual([`"echo hi" in ${workspace}`]);
    expect(result.outcome).toBe('success');
    const other = await run({
      ...graph,
      stages: graph.stages.map((s) => ({
        ...s,
        sections: {
          ...s.sections,
          main: s.sections.main.map((step) =>
            step.kind === 'task' ? { ...step, task: { ...step.task, uses: 'helm' } } : step,
          ),
        },
      })),
    });
    expect(other.result.state.tasks['build.compile']).toMatchObject({
      outcome: 'error',
      reason: 'no executor for task type "helm"',
    });
    expect(existsSync(workspace)).toBe(true);
  });
});
