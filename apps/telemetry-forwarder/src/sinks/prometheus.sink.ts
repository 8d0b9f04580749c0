import type { LogLine, LogLines, PipelineRunFinished, TaskRunFinished } from '@pipewright/contracts';
import { Counter, Histogram, Registry } from 'prom-client';
import type { TelemetrySink } from './telemetry-sink';

/** Task durations range from a lint step to a long load test. */
const TASK_DURATION_BUCKETS_SECONDS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

/**
 * Run metrics for a Prometheus scrape of `GET /metrics`. The registry is the sink's own (not
 * prom-client's global one), so several apps in one process — as in tests — never share counters.
 * Counters live in memory and restart from zero with the process, which Prometheus' `rate()` expects.
 */
export class PrometheusSink implements TelemetrySink {
  readonly name = 'prometheus';
  readonly registry = new Registry();

  private readonly logLinesTotal = new Counter({
    name: 'pipewright_log_lines_total',
    help: 'Task-run log lines forwarded, by component and stream.',
    labelNames: ['component', 'stream'] as const,
    registers: [this.registry],
  });

  private readonly taskRunsTotal = new Counter({
    name: 'pipewright_task_runs_total',
    help: 'Finished task runs, by component and outcome.',
    labelNames: ['component', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly pipelineRunsTotal = new Counter({
    name: 'pipewright_pipeline_runs_total',
    help: 'Finished pipeline runs, by component and outcome.',
    labelNames: ['component', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly taskRunDuration = new Histogram({
    name: 'pipewright_task_run_duration_seconds',
    help: 'Duration of finished task runs, by component.',
    labelNames: ['component'] as const,
    buckets: TASK_DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  async logLines(batch: LogLines, lines: readonly LogLine[]): Promise<void> {
    const byStream = new Map<LogLine['stream'], number>();
    for (const line of lines) byStream.set(line.stream, (byStream.get(line.stream) ?? 0) + 1);
    for (const [stream, count] of byStream) this.logLinesTotal.inc({ component: batch.component, stream }, count);
  }

  taskRunFinished(event: TaskRunFinished): void {
    const { component, durationMs } = event.customData;
    this.taskRunsTotal.inc({ component, outcome: event.subject.content.outcome });
    this.taskRunDuration.observe({ component }, durationMs / 1000);
  }

  pipelineRunFinished(event: PipelineRunFinished): void {
    this.pipelineRunsTotal.inc({ component: event.customData.component, outcome: event.subject.content.outcome });
  }

  /** The text exposition format, with its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
