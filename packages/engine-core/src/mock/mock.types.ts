import type { JsonValue } from '@pipewright/pipeline-spec';
import type { Clock, TaskExecutor } from '../executor/executor.types';

export type MockOutcome = 'success' | 'failure' | 'error';

/** How a mocked task behaves. */
export interface MockTaskBehaviour {
  /** Outcome of every attempt, or one per attempt (the last repeats). Default `success`. */
  outcome?: MockOutcome | MockOutcome[];
  /** Outputs it "writes" to `$PIPEWRIGHT_OUTPUT`. Declared outputs not given here are empty strings. */
  outputs?: Record<string, string>;
  /** How long it "runs", in (virtual) milliseconds. Default `defaultDurationMs`. A duration over the task's timeout makes it time out. */
  durationMs?: number;
  /** Lines it "prints" (stdout). */
  lines?: string[];
  /** Exit code reported for a `failure`; default 1. */
  exitCode?: number;
}

export interface MockBehaviour {
  /** Per task id (`stage.task`). */
  tasks?: Record<string, MockTaskBehaviour>;
  /** Duration of tasks without one. Default 1000 ms, so order and overlap are easy to read. */
  defaultDurationMs?: number;
}

/** One attempt of one task, as the recorder saw it. Times are milliseconds of the clock (virtual: from 0). */
export interface MockRecord {
  taskId: string;
  attempt: number;
  start: number;
  end: number;
  outcome: 'success' | 'failure' | 'error' | 'cancel';
  timedOut: boolean;
  /** The task's `with`, templates resolved (to check wiring of outputs into inputs). */
  inputs: Record<string, JsonValue>;
  /** The task's own `env`, templates resolved. */
  env: Record<string, string>;
}

/**
 * A task executor that runs no process: it records each attempt and behaves as told. Pass it as
 * `taskExecutor` and its `clock` as `clock` to `executePipeline` to run in virtual time.
 */
export interface MockTaskExecutor extends TaskExecutor {
  /** Every attempt, in the order they started. */
  readonly records: readonly MockRecord[];
  /** A virtual clock that starts at 0 and jumps to the next timer when the run is idle. */
  readonly clock: Clock;
}
