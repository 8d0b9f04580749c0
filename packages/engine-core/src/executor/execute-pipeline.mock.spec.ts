import { flavourGraphOf, graphOf, recordingReporter } from '../../test/graphs';
import { mockTaskExecutor } from '../mock/mock-task-executor';
import type { MockBehaviour } from '../mock/mock.types';
import { executePipeline } from './execute-pipeline';
import type { ApprovalGate, ExecuteOptions } from './executor.types';
import type { PipelineGraph } from '@pipewright/pipeline-spec';

async function runMock(graph: PipelineGraph, behaviour: MockBehaviour = {}, options: Partial<ExecuteOptions> = {}) {
  const mock = mockTaskExecutor(behaviour);
  const reporter = recordingReporter();
  const result = await executePipeline(graph, {
    run: { id: 'run-1' },
    workspace: '/tmp',
    taskExecutor: mock,
    clock: mock.clock,
    reporter,
    ...options,
  });
  /** `[start, end]` of each task's last attempt, in virtual ms. */
  const spans: Record<string, [number, number]> = {};
  for (const record of mock.records) spans[record.taskId] = [record.start, record.end];
  const ran = mock.records.map((r) => r.taskId);
  return { result, mock, reporter, spans, ran };
}

const fanOutFanIn = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make }]
    - name: unit
      needs: build
      tasks: [{ name: test, run: make test }]
    - name: lint
      needs: build
      tasks: [{ name: check, run: make lint }, { name: format, run: make fmt }]
    - name: release
      needs: [unit, lint]
      tasks: [{ name: publish, run: ./publish }]
`);

describe('executePipeline (mock mode)', () => {
  it('starts stages as soon as their needs succeeded: fan-out runs in parallel, fan-in waits for all', async () => {
    const { result, spans } = await runMock(fanOutFanIn);
    expect(result.outcome).toBe('success');
    expect(spans).toEqual({
      'build.compile': [0, 1000],
      'unit.test': [1000, 2000],
      'lint.check': [1000, 2000],
      'lint.format': [2000, 3000],
      'release.publish': [3000, 4000],
    });
    expect(result.durationMs).toBe(4000);
  });

  it('skips every stage downstream of a failed one and fails the run', async () => {
    const { result, ran, reporter } = await runMock(fanOutFanIn, { tasks: { 'unit.test': { outcome: 'failure' } } });
    expect(result.outcome).toBe('failure');
    expect(ran).toEqual(['build.compile', 'unit.test', 'lint.check', 'lint.format']);
    expect(result.state.stages.release).toMatchObject({
      outcome: 'skipped',
      reason: 'it needs stage "unit", which did not succeed (failure)',
    });
    expect(result.state.tasks['release.publish']).toMatchObject({ status: 'finished', outcome: 'skipped' });
    expect(reporter.events).toContain('stage.finished unit failure (task "test" failed (exit code 1))');
  });

  it('runs at most stageConcurrency stages at a time', async () => {
    const graph = graphOf(`
  stages:
    ${['a', 'b', 'c', 'd', 'e'].map((n) => `- { name: ${n}, needs: [], tasks: [{ name: t, run: 'true' }] }`).join('\n    ')}
`);
    const { spans } = await runMock(graph, {}, { stageConcurrency: 2 });
    expect(Object.values(spans).map(([start]) => start)).toEqual([0, 0, 1000, 1000, 2000]);
    const defaults = await runMock(graph);
    expect(Object.values(defaults.spans).map(([start]) => start)).toEqual([0, 0, 0, 0, 1000]);
  });

  describe('lifecycle sections', () => {
    const graph = graphOf(`
  stages:
    - name: deploy
      first:
        - { name: setup-a, run: a }
        - { name: setup-b, run: b }
      main:
        - { name: push, run: push }
        - { name: verify, run: verify }
      last:
        - { name: report, run: report }
        - { name: notify, run: notify, if: "failure()" }
        - { name: cleanup, run: cleanup }
`);

    it('runs every first task whatever happens, then no main task after a failure, and every last task', async () => {
      const { result, ran } = await runMock(graph, { tasks: { 'deploy.setup-a': { outcome: 'failure' } } });
      expect(ran).toEqual(['deploy.setup-a', 'deploy.setup-b', 'deploy.report', 'deploy.notify', 'deploy.cleanup']);
      expect(result.state.tasks['deploy.push']).toMatchObject({
        outcome: 'skipped',
        reason: 'an earlier task of the stage did not succeed',
      });
      expect(result.state.stages.deploy?.outcome).toBe('failure');
    });

    it('stops main at the first failure; last always runs, if: failure() only after one', async () => {
      const failing = await runMock(graph, { tasks: { 'deploy.push': { outcome: 'failure' } } });
      expect(failing.ran).toEqual([
        'deploy.setup-a',
        'deploy.setup-b',
        'deploy.push',
        'deploy.report',
        'deploy.notify',
        'deploy.cleanup',
      ]);
      const passing = await runMock(graph);
      expect(passing.ran).not.toContain('deploy.notify');
      expect(passing.result.state.tasks['deploy.notify']).toMatchObject({
        outcome: 'skipped',
        reason: 'its condition is false: failure()',
      });
      expect(passing.result.outcome).toBe('success');
    });
  });

  it('runs parallel lanes at the same time, each lane in order; a failing lane does not stop the other', async () => {
    const graph = graphOf(`
  stages:
    - name: strawberry
      tasks:
        - { name: build, run: make }
        - parallel:
            - - { name: deploy-a, run: d a }
              - { name: test-a, run: t a }
            - - { name: deploy-b, run: d b }
              - { name: test-b, run: t b }
        - { name: publish, run: p }
`);
    const ok = await runMock(graph, { tasks: { 'strawberry.deploy-b': { durationMs: 3000 } } });
    expect(ok.spans).toEqual({
      'strawberry.build': [0, 1000],
      'strawberry.deploy-a': [1000, 2000],
      'strawberry.deploy-b': [1000, 4000],
      'strawberry.test-a': [2000, 3000],
      'strawberry.test-b': [4000, 5000],
      'strawberry.publish': [5000, 6000],
    });
    const failing = await runMock(graph, { tasks: { 'strawberry.deploy-a': { outcome: 'failure' } } });
    expect(failing.ran).toEqual([
      'strawberry.build',
      'strawberry.deploy-a',
      'strawberry.deploy-b',
      'strawberry.test-b',
    ]);
    expect(failing.result.state.tasks['strawberry.publish']?.outcome).toBe('skipped');
  });

  it('retries a failing task with exponential backoff and jitter', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks:
        - name: flaky
          run: make
          retry: { attempts: 4, backoff: { initial: 1s, max: 3s, jitter: 0.5 } }
`);
    const { result, mock, reporter } = await runMock(
      graph,
      { tasks: { 'build.flaky': { outcome: ['failure', 'error', 'failure', 'success'] } } },
      { random: () => 1 },
    );
    expect(result.outcome).toBe('success');
    // Delays 1s, 2s, 3s (capped), each reduced by jitter 0.5 * random 1: 500, 1000, 1500 ms.
    expect(mock.records.map((r) => [r.attempt, r.start])).toEqual([
      [1, 0],
      [2, 1500],
      [3, 3500],
      [4, 6000],
    ]);
    expect(reporter.events.filter((e) => e.startsWith('task.finished'))).toEqual([
      'task.finished build.flaky#1 failure retry in 500ms',
      'task.finished build.flaky#2 error retry in 1000ms',
      'task.finished build.flaky#3 failure retry in 1500ms',
      'task.finished build.flaky#4 success',
    ]);
    expect(result.state.tasks['build.flaky']).toMatchObject({ attempts: 4, outcome: 'success' });
  });

  it('fails a task that runs longer than its timeout', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: slow, run: make, timeout: 2s }]
`);
    const { result, spans } = await runMock(graph, { tasks: { 'build.slow': { durationMs: 60_000 } } });
    expect(spans['build.slow']).toEqual([0, 2000]);
    expect(result.state.tasks['build.slow']).toMatchObject({
      outcome: 'failure',
      timedOut: true,
      reason: 'timed out after 2s',
    });
  });

  it('evaluates if conditions against inputs, run and earlier outcomes and outputs', async () => {
    const graph = flavourGraphOf(`
inputs:
  region: { default: eu }
pipeline:
  stages:
    - name: build
      tasks:
        - { name: compile, run: make, outputs: [changed] }
        - { name: docs, run: make docs, if: "tasks.compile.outputs.changed == 'yes'" }
        - { name: nightly, run: make all, if: "\${{ run.revision == 'abc' }}" }
    - name: deploy
      tasks:
        - name: push
          run: "./push \${{ stages.build.tasks.compile.outputs.changed }} \${{ inputs.region }}"
          if: "stages.build.outcome == 'success'"
`);
    const { ran, mock } = await runMock(
      graph,
      { tasks: { 'build.compile': { outputs: { changed: 'yes' } } } },
      { run: { id: 'run-1', revision: 'def' }, inputs: { region: 'us' } },
    );
    expect(ran).toEqual(['build.compile', 'build.docs', 'deploy.push']);
    expect(mock.records.find((r) => r.taskId === 'deploy.push')?.inputs).toEqual({ run: './push yes us' });
  });

  describe('approvals', () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make }]
    - name: production
      approval: { approvers: [alice], timeout: 1h }
      tasks: [{ name: deploy, run: ./deploy }]
`);
    const gate = (decide: ApprovalGate['request']): ApprovalGate => ({ request: decide });

    it('waits for the approval after the needs and runs the stage when approved', async () => {
      const requests: string[] = [];
      const { result, reporter } = await runMock(
        graph,
        {},
        {
          approvals: gate(async (request) => {
            requests.push(`${request.stage.name} by ${request.approval.approvers.join(',')}`);
            return { decision: 'approved', by: 'alice', at: '2025-01-01T00:00:00Z' };
          }),
        },
      );
      expect(requests).toEqual(['production by alice']);
      expect(result.outcome).toBe('success');
      expect(reporter.events).toEqual(
        expect.arrayContaining(['approval.requested production', 'approval.decided production approved by alice']),
      );
      expect(result.state.stages.production?.approval?.decision).toEqual({
        decision: 'approved',
        by: 'alice',
        at: '2025-01-01T00:00:00Z',
      });
    });

    it('fails the stage when rejected, with who and why', async () => {
      const { result, ran } = await runMock(
        graph,
        {},
        {
          approvals: gate(async () => ({
            decision: 'rejected',
            by: 'bob',
            at: '2025-01-01T00:00:00Z',
            reason: 'freeze',
          })),
        },
      );
      expect(ran).toEqual(['build.compile']);
      expect(result.outcome).toBe('failure');
      expect(result.state.stages.production).toMatchObject({ outcome: 'failure', reason: 'rejected by bob: freeze' });
    });

    it('rejects in the name of pipewright when nobody decides within the timeout', async () => {
      let aborted = false;
      const { result, mock } = await runMock(
        graph,
        {},
        {
          approvals: gate(
            (_request, signal) =>
              new Promise((_resolve, reject) => {
                signal.addEventListener('abort', () => {
                  aborted = true;
                  reject(new Error('aborted'));
                });
              }),
          ),
        },
      );
      expect(aborted).toBe(true);
      expect(mock.clock.now()).toBe(1000 + 3_600_000);
      expect(result.state.stages.production).toMatchObject({
        outcome: 'failure',
        reason: 'rejected by pipewright: no decision within 1h',
      });
    });

    it('fails the stage when there is no approval gate', async () => {
      const { result } = await runMock(graph);
      expect(result.state.stages.production).toMatchObject({
        outcome: 'error',
        reason: 'the stage needs an approval, but this run has no way to ask for one',
      });
    });
  });

  it('does not start a task before the reporter recorded its start, and stops when the reporter fails', async () => {
    const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make }, { name: package, run: make pkg }]
`);
    const mock = mockTaskExecutor();
    const run = executePipeline(graph, {
      run: { id: 'run-1' },
      workspace: '/tmp',
      taskExecutor: mock,
      clock: mock.clock,
      reporter: {
        onTaskStarted: async (event) => {
          if (event.task.name === 'package') throw new Error('database is down');
        },
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'reporter-failed',
      message: 'the run stopped: reporting failed: database is down',
    });
    expect(mock.records.map((r) => r.taskId)).toEqual(['build.compile']);
  });

  it('rejects an unknown --to target with the nearest name', async () => {
    await expect(runMock(fanOutFanIn, {}, { to: 'relase' })).rejects.toMatchObject({
      code: 'invalid-target',
      message: expect.stringContaining('did you mean "release"?'),
    });
  });
});
