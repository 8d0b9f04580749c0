import type { PipelineGraph } from '@pipewright/pipeline-spec';
import { crashWhenStarting, graphOf, recordingReporter } from '../../test/graphs';
import { mockTaskExecutor } from '../mock/mock-task-executor';
import { executePipeline, NOT_IDEMPOTENT_REASON } from './execute-pipeline';
import type { RunState, TaskExecution, TaskExecutionResult, TaskExecutor } from './executor.types';

function graph(idempotent: boolean, retry = ''): PipelineGraph {
  return graphOf(`
  stages:
    - name: deploy
      tasks:
        - { name: push, run: "./push \${{ run.id }}", idempotent: ${idempotent}, outputs: [url]${retry} }
        - { name: verify, run: "./verify \${{ tasks.push.outputs.url }}" }
`);
}

const success = (url: string): TaskExecutionResult => ({
  outcome: 'success',
  exitCode: 0,
  timedOut: false,
  durationMs: 40_000,
  outputs: { url },
});

/** Resumes the run with a mock executor whose `resume` hook answers with `recover`. */
async function resumeWith(
  g: PipelineGraph,
  previous: RunState,
  recover: (execution: TaskExecution, sleep: (ms: number) => Promise<void>) => Promise<TaskExecutionResult | undefined>,
) {
  const mock = mockTaskExecutor({ tasks: { 'deploy.push': { outputs: { url: 'http://again' } } } });
  const asked: TaskExecution[] = [];
  const sut: TaskExecutor = {
    execute: (execution) => mock.execute(execution),
    resume: (execution) => {
      asked.push(execution);
      return recover(execution, (ms) => mock.clock.sleep(ms, execution.signal));
    },
  };
  const reporter = recordingReporter();
  const result = await executePipeline(g, {
    run: { id: 'run-1' },
    workspace: '/tmp',
    taskExecutor: sut,
    clock: mock.clock,
    reporter,
    previous,
  });
  return { result, reporter, asked, ran: mock.records.map((r) => `${r.taskId}#${r.attempt}`), records: mock.records };
}

describe('resuming a task whose attempt may have outlived the engine (TaskExecutor.resume)', () => {
  it('takes the result of a non-idempotent task that finished while the engine was down, without running it again', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result, reporter, asked, ran, records } = await resumeWith(g, previous, () =>
      Promise.resolve(success('http://shop-7')),
    );

    expect(asked.map((e) => [e.task.id, e.attempt, e.inputs])).toEqual([['deploy.push', 1, { run: './push run-1' }]]);
    expect(asked[0]?.env.PIPEWRIGHT_ATTEMPT).toBe('1');
    expect(ran).toEqual(['deploy.verify#1']);
    expect(records[0]?.inputs).toEqual({ run: './verify http://shop-7' });
    expect(result.state.tasks['deploy.push']).toMatchObject({
      status: 'finished',
      outcome: 'success',
      attempts: 1,
      outputs: { url: 'http://shop-7' },
    });
    // The attempt started before the crash: it is not announced again, only its end.
    expect(reporter.events).not.toContain('task.started deploy.push#1');
    expect(reporter.events).toContain('task.finished deploy.push#1 success');
    expect(result.outcome).toBe('success');
  });

  it('waits for an attempt that still runs elsewhere, and the stage goes on after it', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result, reporter } = await resumeWith(g, previous, async (_, sleep) => {
      await sleep(30_000);
      return success('http://late');
    });

    expect(result.state.tasks['deploy.push']).toMatchObject({ outcome: 'success', outputs: { url: 'http://late' } });
    const events = reporter.events;
    expect(events.indexOf('task.finished deploy.push#1 success')).toBeLessThan(
      events.indexOf('task.started deploy.verify#1'),
    );
    expect(result.outcome).toBe('success');
  });

  it('goes on with the retry policy from a recovered failure', async () => {
    const g = graph(false, ', retry: { attempts: 2, backoff: { initial: 1s, max: 1s, jitter: 0 } }');
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result, ran, reporter } = await resumeWith(g, previous, () =>
      Promise.resolve({ outcome: 'failure', exitCode: 4, timedOut: false, durationMs: 10, outputs: {} }),
    );

    expect(reporter.events).toContain('task.finished deploy.push#1 failure retry in 1000ms');
    expect(ran).toEqual(['deploy.push#2', 'deploy.verify#1']);
    expect(result.state.tasks['deploy.push']).toMatchObject({ outcome: 'success', attempts: 2 });
  });

  it('fails a non-idempotent task as before when the executor knows nothing of the attempt', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result, asked, ran } = await resumeWith(g, previous, () => Promise.resolve(undefined));

    expect(asked).toHaveLength(1);
    expect(ran).toEqual([]);
    expect(result.state.tasks['deploy.push']).toMatchObject({ outcome: 'failure', reason: NOT_IDEMPOTENT_REASON });
    expect(result.outcome).toBe('failure');
  });

  it('runs an idempotent task again as the next attempt when the executor knows nothing of it', async () => {
    const g = graph(true);
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result, ran } = await resumeWith(g, previous, () => Promise.resolve(undefined));

    expect(ran).toEqual(['deploy.push#2', 'deploy.verify#1']);
    expect(result.state.tasks['deploy.push']).toMatchObject({ outputs: { url: 'http://again' }, attempts: 2 });
  });

  it('knows nothing when the hook throws: it warns, and the usual rule applies', async () => {
    const g = graph(false);
    const previous = await crashWhenStarting(g, 'deploy.push');

    const { result } = await resumeWith(g, previous, () => Promise.reject(new Error('database gone')));

    expect(result.warnings).toEqual([
      'what became of attempt 1 of task "deploy.push" could not be found out: database gone',
    ]);
    expect(result.state.tasks['deploy.push']).toMatchObject({ outcome: 'failure', reason: NOT_IDEMPOTENT_REASON });
  });

  it('is not asked about tasks that were not running: a fresh run never calls it', async () => {
    const g = graph(false);
    const mock = mockTaskExecutor({});
    const resume = jest.fn();
    const result = await executePipeline(g, {
      run: { id: 'run-1' },
      workspace: '/tmp',
      taskExecutor: { execute: (execution) => mock.execute(execution), resume },
      clock: mock.clock,
    });

    expect(result.outcome).toBe('success');
    expect(resume).not.toHaveBeenCalled();
  });
});
