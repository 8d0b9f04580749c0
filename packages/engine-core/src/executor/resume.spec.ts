import type { PipelineGraph } from '@pipewright/pipeline-spec';
import { crashWhenStarting, graphOf, recordingReporter } from '../../test/graphs';
import { mockTaskExecutor } from '../mock/mock-task-executor';
import type { MockBehaviour } from '../mock/mock.types';
import { executePipeline, NOT_IDEMPOTENT_REASON } from './execute-pipeline';
import type { ExecuteOptions, RunState } from './executor.types';
import { stateForRerunFromFailed } from './rerun';

function graph(pushIdempotent: boolean): PipelineGraph {
  return graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make, outputs: [version] }]
    - name: test
      needs: []
      tasks: [{ name: unit, run: make test }]
    - name: deploy
      needs: [build, test]
      tasks:
        - { name: push, run: "./push \${{ stages.build.tasks.compile.outputs.version }}", idempotent: ${pushIdempotent}, outputs: [url] }
        - { name: verify, run: "./verify \${{ tasks.push.outputs.url }}" }
      last:
        - { name: cleanup, run: ./cleanup }
    - name: release
      needs: deploy
      tasks: [{ name: publish, run: "./publish \${{ stages.build.tasks.compile.outputs.version }}" }]
`);
}

const behaviour: MockBehaviour = {
  tasks: {
    'build.compile': { outputs: { version: '1.2.3' } },
    'deploy.push': { outputs: { url: 'http://deploy' } },
  },
};

async function run(g: PipelineGraph, options: Partial<ExecuteOptions> = {}, tell: MockBehaviour = behaviour) {
  const mock = mockTaskExecutor(tell);
  const reporter = recordingReporter();
  const result = await executePipeline(g, {
    run: { id: 'run-1' },
    workspace: '/tmp',
    taskExecutor: mock,
    clock: mock.clock,
    reporter,
    ...options,
  });
  return { result, reporter, ran: mock.records.map((r) => `${r.taskId}#${r.attempt}`), records: mock.records };
}

describe('resuming a run from its state', () => {
  it('does not run finished tasks again and reuses their outputs; re-runs a running idempotent task', async () => {
    const g = graph(true);
    const previous = await crashWhenStarting(g, 'deploy.push', behaviour);
    expect(previous.tasks['deploy.push']).toMatchObject({ status: 'running', attempts: 1 });

    const { result, ran, records, reporter } = await run(g, { previous });

    expect(ran).toEqual(['deploy.push#2', 'deploy.verify#1', 'deploy.cleanup#1', 'release.publish#1']);
    expect(records.find((r) => r.taskId === 'deploy.push')?.inputs).toEqual({ run: './push 1.2.3' });
    expect(records.find((r) => r.taskId === 'release.publish')?.inputs).toEqual({ run: './publish 1.2.3' });
    expect(result.outcome).toBe('success');
    expect(result.state.tasks['build.compile']).toMatchObject({ outcome: 'success', attempts: 1 });
    expect(result.state.tasks['build.compile']?.reused).toBeUndefined();
    expect(reporter.events[0]).toBe('run.started resumed');
  });

  it('fails a task that was running when the engine stopped if it is not idempotent, and says why', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push', behaviour);

    const { result, ran, reporter } = await run(g, { previous });

    expect(ran).toEqual(['deploy.cleanup#1']);
    expect(result.state.tasks['deploy.push']).toMatchObject({
      status: 'finished',
      outcome: 'failure',
      reason: NOT_IDEMPOTENT_REASON,
    });
    expect(reporter.events).toContain('task.finished deploy.push#1 failure');
    expect(result.state.stages.release?.outcome).toBe('skipped');
    expect(result.outcome).toBe('failure');
  });

  it('the state survives JSON and rejects an unknown format', async () => {
    const g = graph(true);
    const { result } = await run(g);
    const copy = JSON.parse(JSON.stringify(result.state)) as RunState;
    expect(copy).toEqual(result.state);
    await expect(run(g, { previous: { ...copy, schemaVersion: 2 as 1 } })).rejects.toMatchObject({
      code: 'invalid-state',
    });
  });
});

describe(stateForRerunFromFailed.name, () => {
  it('re-runs the failed stage and everything after it, reusing the outputs of the stages that succeeded', async () => {
    const g = graph(true);
    const first = await run(g, {}, { tasks: { ...behaviour.tasks, 'deploy.verify': { outcome: 'failure' } } });
    expect(first.result.outcome).toBe('failure');

    const previous = stateForRerunFromFailed(first.result.state, g);
    expect(Object.keys(previous.stages)).toEqual(['build', 'test']);

    const again = await run(g, { run: { id: 'run-2' }, previous });
    expect(again.ran).toEqual(['deploy.push#1', 'deploy.verify#1', 'deploy.cleanup#1', 'release.publish#1']);
    expect(again.records.find((r) => r.taskId === 'release.publish')?.inputs).toEqual({ run: './publish 1.2.3' });
    expect(again.result.outcome).toBe('success');
    expect(again.result.state.tasks['build.compile']).toMatchObject({ reused: true, outputs: { version: '1.2.3' } });
    expect(again.result.state.stages.build?.reused).toBe(true);
  });

  it('re-runs a stage that succeeded but gained a task since', async () => {
    const g = graph(true);
    const first = await run(g, {}, { tasks: { ...behaviour.tasks, 'release.publish': { outcome: 'failure' } } });
    const changed = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make, outputs: [version] }, { name: sbom, run: make sbom }]
    - name: release
      needs: build
      tasks: [{ name: publish, run: ./publish }]
`);
    const previous = stateForRerunFromFailed(first.result.state, changed);
    const again = await run(changed, { run: { id: 'run-2' }, previous });
    expect(again.ran).toEqual(['build.compile#1', 'build.sbom#1', 'release.publish#1']);
  });
});

describe('run controls', () => {
  it('--to a stage runs it and every stage it needs', async () => {
    const { ran, result } = await run(graph(true), { to: 'deploy' });
    expect(ran).toEqual(['build.compile#1', 'test.unit#1', 'deploy.push#1', 'deploy.verify#1', 'deploy.cleanup#1']);
    expect(result.graph.stages.map((s) => s.name)).toEqual(['build', 'test', 'deploy']);
    expect(result.state.stages.release).toBeUndefined();
  });

  it('--to a task runs up to it, keeping the clean-up of its stage', async () => {
    const { ran } = await run(graph(true), { to: 'deploy.push' });
    expect(ran).toEqual(['build.compile#1', 'test.unit#1', 'deploy.push#1', 'deploy.cleanup#1']);
  });

  it('--only runs one task with the outputs of a previous run', async () => {
    const g = graph(true);
    const first = await run(g);
    const { ran, records, result } = await run(g, {
      run: { id: 'run-2' },
      only: 'deploy.verify',
      previous: first.result.state,
    });
    expect(ran).toEqual(['deploy.verify#1']);
    expect(records[0]?.inputs).toEqual({ run: './verify http://deploy' });
    expect(result.warnings).toEqual([]);
    expect(result.outcome).toBe('success');
  });

  it('--only without a previous run evaluates missing results as empty and warns', async () => {
    const { ran, records, result, reporter } = await run(graph(true), { only: 'release.publish' });
    expect(ran).toEqual(['release.publish#1']);
    expect(records[0]?.inputs).toEqual({ run: './publish ' });
    const warning =
      'task "release.publish" uses results of task "build.compile", which did not run in this run and has no result in a previous run; its expressions see empty values';
    expect(result.warnings).toEqual([warning]);
    expect(reporter.events).toContain(`warning ${warning}`);
  });

  it('cancelled before it resumes: a stage that had started runs on as cancelled (its last tasks run), later ones are skipped', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push', behaviour);
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled by ops'));

    const { result, ran } = await run(g, { previous, signal: cancelled.signal });

    // push was running when the engine died: not idempotent, so failed, not skipped as if it never started.
    expect(result.state.tasks['deploy.push']).toMatchObject({
      status: 'finished',
      outcome: 'failure',
      reason: NOT_IDEMPOTENT_REASON,
    });
    expect(ran).toEqual(['deploy.cleanup#1']);
    expect(result.state.tasks['deploy.verify']?.outcome).toBe('skipped');
    expect(result.state.stages.deploy?.outcome).toBe('cancel');
    expect(result.state.stages.release).toMatchObject({
      outcome: 'skipped',
      reason: 'it needs stage "deploy", which did not succeed (cancel)',
    });
    expect(result.outcome).toBe('cancel');
  });
});

describe('resuming stages that were waiting or had an environment', () => {
  const g = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make }]
    - name: production
      approval: { approvers: [alice] }
      environment: production
      tasks: [{ name: deploy, run: ./deploy, idempotent: true }]
`);

  it('does not ask again for an approval decided before the engine stopped, and reuses the environment', async () => {
    const provided: string[] = [];
    const released: string[] = [];
    const environments = {
      provide: async () => {
        provided.push('production');
        return { url: 'http://prod', details: { id: 'p-1' } };
      },
      release: async (_stage: unknown, _env: unknown, env: { details?: Record<string, string> }) => {
        released.push(env.details?.id ?? '');
      },
    };
    let asked = 0;
    const approvals = {
      request: async () => {
        asked++;
        return { decision: 'approved' as const, by: 'alice', at: '2025-01-01T00:00:00Z' };
      },
    };
    const previous = await crashWhenStarting(g, 'production.deploy', {}, { approvals, environments });
    expect(previous.stages.production?.environment).toMatchObject({ url: 'http://prod' });
    expect(released).toEqual([]); // the run did not finish: its environment stays for whoever resumes it

    const { result, ran, reporter } = await run(g, { previous, approvals, environments });
    expect(ran).toEqual(['production.deploy#2']);
    expect(asked).toBe(1);
    expect(provided).toEqual(['production']);
    expect(released).toEqual(['p-1']);
    expect(reporter.events.filter((e) => e.startsWith('approval'))).toEqual([]);
    expect(result.outcome).toBe('success');
  });

  it('a stage waiting for approval does not hold a stage slot', async () => {
    const gated = graphOf(`
  stages:
    - name: production
      needs: []
      approval: { approvers: [alice] }
      tasks: [{ name: deploy, run: ./deploy }]
    - name: docs
      needs: []
      tasks: [{ name: site, run: make site }]
`);
    let approve: (() => void) | undefined;
    const mock = mockTaskExecutor();
    const running = executePipeline(gated, {
      run: { id: 'run-1' },
      workspace: '/tmp',
      taskExecutor: mock,
      clock: mock.clock,
      stageConcurrency: 1,
      approvals: {
        request: () =>
          new Promise((resolve) => {
            approve = () => resolve({ decision: 'approved', by: 'alice', at: new Date().toISOString() });
          }),
      },
      reporter: { onTaskFinished: (event) => void (event.task.id === 'docs.site' && approve?.()) },
    });
    const result = await running;
    expect(mock.records.map((r) => r.taskId)).toEqual(['docs.site', 'production.deploy']);
    expect(result.outcome).toBe('success');
  });
});
