import type { LogLine, LogLines, PipelineRunFinished, TaskRunFinished } from '@pipewright/contracts';
import type { SinkName } from '../config/env';

/**
 * A backend the forwarder ships to. Each sink implements what it can use; the services call
 * every enabled sink inside the consumer's transaction, so a sink that throws makes the
 * message be retried (and, after bounded retries, dead-lettered).
 */
export interface TelemetrySink {
  readonly name: SinkName;
  /**
   * Lines of one task run that were not forwarded before, in `seq` order. Resolves once the sink
   * has them as durably as it can: the transaction that advances the cursor commits after it.
   */
  logLines?(batch: LogLines, lines: readonly LogLine[]): Promise<void>;
  taskRunFinished?(event: TaskRunFinished): void;
  pipelineRunFinished?(event: PipelineRunFinished): void;
}

/** Injection token: the enabled sinks (FORWARDER_SINKS), in configuration order. */
export const TELEMETRY_SINKS = Symbol('TELEMETRY_SINKS');
