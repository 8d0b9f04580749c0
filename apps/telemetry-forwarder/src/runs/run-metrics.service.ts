import { Inject, Injectable } from '@nestjs/common';
import type { PipelineRunFinished, TaskRunFinished } from '@pipewright/contracts';
import { TELEMETRY_SINKS, type TelemetrySink } from '../sinks/telemetry-sink';

/** Finished runs -> every sink that records them (counters, durations). */
@Injectable()
export class RunMetricsService {
  constructor(@Inject(TELEMETRY_SINKS) private readonly sinks: readonly TelemetrySink[]) {}

  taskRunFinished(event: TaskRunFinished): void {
    for (const sink of this.sinks) sink.taskRunFinished?.(event);
  }

  pipelineRunFinished(event: PipelineRunFinished): void {
    for (const sink of this.sinks) sink.pipelineRunFinished?.(event);
  }
}
