export { startTelemetry, type TelemetryHandle, type TelemetryOptions } from './start-telemetry';
export {
  CicdAttributes,
  CicdMetricNames,
  CicdPipelineRunState,
  CicdResult,
  CicdWorkerState,
  type Outcome,
  toCicdResult,
} from './cicd-semconv';
export { endWithResult, type EndWithResultOptions, startRunSpan, startTaskSpan } from './cicd-spans';
export { type CicdMetrics, cicdMetrics } from './cicd-metrics';
export {
  contextFromTraceparent,
  currentTraceHeaders,
  currentTraceparent,
  type TraceHeaders,
  withContext,
} from './trace-context';
