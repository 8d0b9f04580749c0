/**
 * OpenTelemetry CI/CD semantic conventions (https://opentelemetry.io/docs/specs/semconv/cicd/), the names DESIGN.md §5
 * asks for. They are written out here instead of imported from `@opentelemetry/semantic-conventions/incubating`:
 * incubating names may change in any minor release of that package, and our dashboards should not. The spec file pins
 * them to the current upstream values so a drift shows up as a failing test.
 */
export const CicdAttributes = {
  pipelineName: 'cicd.pipeline.name',
  pipelineRunId: 'cicd.pipeline.run.id',
  pipelineResult: 'cicd.pipeline.result',
  pipelineActionName: 'cicd.pipeline.action.name',
  pipelineRunState: 'cicd.pipeline.run.state',
  pipelineRunUrlFull: 'cicd.pipeline.run.url.full',
  taskName: 'cicd.pipeline.task.name',
  taskRunId: 'cicd.pipeline.task.run.id',
  taskRunResult: 'cicd.pipeline.task.run.result',
  taskRunUrlFull: 'cicd.pipeline.task.run.url.full',
  taskType: 'cicd.pipeline.task.type',
  systemComponent: 'cicd.system.component',
  workerId: 'cicd.worker.id',
  workerName: 'cicd.worker.name',
  workerState: 'cicd.worker.state',
  /** Not a `cicd.*` name, but required on failed runs/tasks and on the error metrics. */
  errorType: 'error.type',
} as const;

/** Values of `cicd.pipeline.result` and `cicd.pipeline.task.run.result`. */
export const CicdResult = {
  success: 'success',
  failure: 'failure',
  error: 'error',
  timeout: 'timeout',
  cancellation: 'cancellation',
  skip: 'skip',
} as const;
export type CicdResult = (typeof CicdResult)[keyof typeof CicdResult];

/** Values of `cicd.pipeline.run.state` (an attribute of `cicd.pipeline.run.active` and `.duration`). */
export const CicdPipelineRunState = {
  pending: 'pending',
  executing: 'executing',
  finalizing: 'finalizing',
} as const;
export type CicdPipelineRunState = (typeof CicdPipelineRunState)[keyof typeof CicdPipelineRunState];

/** Values of `cicd.worker.state` (the attribute of `cicd.worker.count`). */
export const CicdWorkerState = {
  available: 'available',
  busy: 'busy',
  offline: 'offline',
} as const;
export type CicdWorkerState = (typeof CicdWorkerState)[keyof typeof CicdWorkerState];

export const CicdMetricNames = {
  pipelineRunDuration: 'cicd.pipeline.run.duration',
  pipelineRunActive: 'cicd.pipeline.run.active',
  pipelineRunErrors: 'cicd.pipeline.run.errors',
  systemErrors: 'cicd.system.errors',
  workerCount: 'cicd.worker.count',
} as const;

/** How a Pipewright run or task ended, in our own words. */
export type Outcome = 'success' | 'failure' | 'error' | 'cancel' | 'timeout' | 'skipped';

/** Maps our outcome to the CI/CD semconv result value. */
export function toCicdResult(outcome: Outcome): CicdResult {
  switch (outcome) {
    case 'success':
      return CicdResult.success;
    case 'failure':
      return CicdResult.failure;
    case 'error':
      return CicdResult.error;
    case 'cancel':
      return CicdResult.cancellation;
    case 'timeout':
      return CicdResult.timeout;
    case 'skipped':
      return CicdResult.skip;
    default:
      return assertNever(outcome);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected outcome: ${String(value)}`);
}
