import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { CicdAttributes, CicdMetricNames, CicdResult, type Outcome, toCicdResult } from './cicd-semconv';

describe(toCicdResult.name, () => {
  it.each<[Outcome, CicdResult]>([
    ['success', 'success'],
    ['failure', 'failure'],
    ['error', 'error'],
    ['cancel', 'cancellation'],
    ['timeout', 'timeout'],
    ['skipped', 'skip'],
  ])('maps %s to %s', (outcome, result) => {
    expect(toCicdResult(outcome)).toBe(result);
  });
});

describe('CI/CD semconv names', () => {
  it('match the upstream semantic conventions', () => {
    expect(CicdAttributes).toMatchObject({
      pipelineName: semconv.ATTR_CICD_PIPELINE_NAME,
      pipelineRunId: semconv.ATTR_CICD_PIPELINE_RUN_ID,
      pipelineResult: semconv.ATTR_CICD_PIPELINE_RESULT,
      pipelineActionName: semconv.ATTR_CICD_PIPELINE_ACTION_NAME,
      pipelineRunState: semconv.ATTR_CICD_PIPELINE_RUN_STATE,
      pipelineRunUrlFull: semconv.ATTR_CICD_PIPELINE_RUN_URL_FULL,
      taskName: semconv.ATTR_CICD_PIPELINE_TASK_NAME,
      taskRunId: semconv.ATTR_CICD_PIPELINE_TASK_RUN_ID,
      taskRunResult: semconv.ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
      taskRunUrlFull: semconv.ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
      taskType: semconv.ATTR_CICD_PIPELINE_TASK_TYPE,
      systemComponent: semconv.ATTR_CICD_SYSTEM_COMPONENT,
      workerId: semconv.ATTR_CICD_WORKER_ID,
      workerName: semconv.ATTR_CICD_WORKER_NAME,
      workerState: semconv.ATTR_CICD_WORKER_STATE,
      errorType: semconv.ATTR_ERROR_TYPE,
    });
    expect(CicdMetricNames).toEqual({
      pipelineRunDuration: semconv.METRIC_CICD_PIPELINE_RUN_DURATION,
      pipelineRunActive: semconv.METRIC_CICD_PIPELINE_RUN_ACTIVE,
      pipelineRunErrors: semconv.METRIC_CICD_PIPELINE_RUN_ERRORS,
      systemErrors: semconv.METRIC_CICD_SYSTEM_ERRORS,
      workerCount: semconv.METRIC_CICD_WORKER_COUNT,
    });
    expect(Object.values(CicdResult).sort()).toEqual(
      [
        semconv.CICD_PIPELINE_RESULT_VALUE_SUCCESS,
        semconv.CICD_PIPELINE_RESULT_VALUE_FAILURE,
        semconv.CICD_PIPELINE_RESULT_VALUE_ERROR,
        semconv.CICD_PIPELINE_RESULT_VALUE_TIMEOUT,
        semconv.CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
        semconv.CICD_PIPELINE_RESULT_VALUE_SKIP,
      ].sort(),
    );
  });
});
