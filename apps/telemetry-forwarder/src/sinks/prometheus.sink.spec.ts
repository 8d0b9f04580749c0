import { newCDEvent, PIPELINE_RUN_FINISHED, TASK_RUN_FINISHED, type LogLines } from '@pipewright/contracts';
import { PrometheusSink } from './prometheus.sink';

const logBatch: LogLines = {
  runId: 'run-1',
  taskRunId: 'task-run-1',
  taskName: 'unit-tests',
  stage: 'build',
  component: 'shop',
  team: 'team-a',
  lines: [
    { seq: 1, time: '2026-11-22T10:00:00.000Z', stream: 'stdout', text: 'a' },
    { seq: 2, time: '2026-11-22T10:00:00.000Z', stream: 'stdout', text: 'b' },
    { seq: 3, time: '2026-11-22T10:00:00.000Z', stream: 'stderr', text: 'c' },
  ],
};

const taskRunFinished = newCDEvent(
  TASK_RUN_FINISHED,
  '/test',
  { id: 'task-run-1', content: { taskName: 'unit-tests', pipelineRun: { id: 'run-1' }, outcome: 'failure' as const } },
  {
    component: 'shop',
    stage: 'build',
    attempt: 1,
    exitCode: 1,
    startedAt: '2026-11-22T10:00:00.000Z',
    durationMs: 2500,
  },
);

const pipelineRunFinished = newCDEvent(
  PIPELINE_RUN_FINISHED,
  '/test',
  { id: 'run-1', content: { pipelineName: 'ci', outcome: 'success' as const } },
  { component: 'shop', team: 'team-a', solution: 'web', durationMs: 60_000 },
);

describe(PrometheusSink.name, () => {
  it('counts log lines per component and stream', async () => {
    const sut = new PrometheusSink();

    await sut.logLines(logBatch, logBatch.lines);

    const { body } = await sut.scrape();
    expect(body).toContain('pipewright_log_lines_total{component="shop",stream="stdout"} 2');
    expect(body).toContain('pipewright_log_lines_total{component="shop",stream="stderr"} 1');
  });

  it('counts finished task and pipeline runs by outcome and observes task durations in seconds', async () => {
    const sut = new PrometheusSink();

    sut.taskRunFinished(taskRunFinished);
    sut.pipelineRunFinished(pipelineRunFinished);

    const { body, contentType } = await sut.scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('pipewright_task_runs_total{component="shop",outcome="failure"} 1');
    expect(body).toContain('pipewright_pipeline_runs_total{component="shop",outcome="success"} 1');
    expect(body).toContain('pipewright_task_run_duration_seconds_sum{component="shop"} 2.5');
    expect(body).toContain('pipewright_task_run_duration_seconds_bucket{le="5",component="shop"} 1');
    expect(body).toContain('pipewright_task_run_duration_seconds_bucket{le="1",component="shop"} 0');
  });

  it('keeps its counters apart from another instance', async () => {
    const other = new PrometheusSink();
    other.taskRunFinished(taskRunFinished);

    const sut = new PrometheusSink();

    expect((await sut.scrape()).body).not.toContain('pipewright_task_runs_total{');
  });
});
