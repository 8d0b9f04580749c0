import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { CicdMetricNames } from './cicd-semconv';

/** The CI/CD semconv instruments. Record them with attributes from `CicdAttributes`. */
export interface CicdMetrics {
  /** Seconds a run took; attributes: pipeline name, run state, result, error.type. */
  pipelineRunDuration: Histogram;
  /** Runs in progress by state; +1 when a run enters a state, -1 when it leaves it. */
  pipelineRunActive: UpDownCounter;
  /** Failed runs (result failure/error/timeout); attributes: pipeline name, error.type. */
  pipelineRunErrors: Counter;
  /** Errors of Pipewright itself; attributes: `cicd.system.component`, error.type. */
  systemErrors: Counter;
  /** Workers by `cicd.worker.state`. */
  workerCount: UpDownCounter;
}

// Runs last from seconds to hours; the SDK's default buckets stop at 10 000.
const RUN_DURATION_BUCKETS_S = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

/** Creates the CI/CD instruments on `meter` (e.g. `metrics.getMeter('pipeline-engine')`). */
export function cicdMetrics(meter: Meter): CicdMetrics {
  return {
    pipelineRunDuration: meter.createHistogram(CicdMetricNames.pipelineRunDuration, {
      description: 'Duration of a pipeline run grouped by pipeline, state and result.',
      unit: 's',
      advice: { explicitBucketBoundaries: RUN_DURATION_BUCKETS_S },
    }),
    pipelineRunActive: meter.createUpDownCounter(CicdMetricNames.pipelineRunActive, {
      description: 'The number of pipeline runs currently active in the system by state.',
      unit: '{run}',
    }),
    pipelineRunErrors: meter.createCounter(CicdMetricNames.pipelineRunErrors, {
      description: 'The number of errors encountered in pipeline runs.',
      unit: '{error}',
    }),
    systemErrors: meter.createCounter(CicdMetricNames.systemErrors, {
      description: 'The number of errors in a component of the CI/CD system.',
      unit: '{error}',
    }),
    workerCount: meter.createUpDownCounter(CicdMetricNames.workerCount, {
      description: 'The number of workers on the CI/CD system by state.',
      unit: '{count}',
    }),
  };
}
