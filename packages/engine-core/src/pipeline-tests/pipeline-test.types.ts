import type { RunOutcome } from '../executor/executor.types';

/** A problem in a pipewright.test.yml, at a 1-based line and column. */
export interface PipelineTestFileError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface PipelineTestCaseResult {
  name: string;
  /** Where the case starts in the test file. */
  line: number;
  passed: boolean;
  /** One sentence per unmet expectation (empty when passed), e.g. `expected deploy.push to run, but it was skipped`. */
  failures: string[];
  /** The run's outcome in virtual time. */
  outcome: RunOutcome;
  /** Task ids that ran (at least one attempt), in start order. */
  ran: string[];
  /** Virtual duration of the run, in milliseconds. */
  durationMs: number;
}

export type PipelineTestsResult =
  | { ok: true; file: string; cases: PipelineTestCaseResult[]; passed: number; failed: number }
  | { ok: false; file: string; errors: PipelineTestFileError[] };
