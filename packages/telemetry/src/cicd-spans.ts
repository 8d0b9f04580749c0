import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { CicdAttributes, type CicdResult, type Outcome, toCicdResult } from './cicd-semconv';

const TRACER_NAME = '@pipewright/telemetry';

/** Task spans get `cicd.pipeline.task.run.result` when they end; every other span gets `cicd.pipeline.result`. */
const taskSpans = new WeakSet<Span>();

/**
 * Starts the span of a pipeline run: `RUN <pipeline>`, kind SERVER, the root of the run's trace.
 * Without `parentContext` the active context is the parent (e.g. the HTTP request that triggered the run); pass
 * `ROOT_CONTEXT` to start a trace of its own. The caller ends it with {@link endWithResult}.
 */
export function startRunSpan(
  pipelineName: string,
  runId: string,
  parentContext?: Context,
  attributes?: Attributes,
): Span {
  return trace.getTracer(TRACER_NAME).startSpan(
    `RUN ${pipelineName}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        ...attributes,
        [CicdAttributes.pipelineName]: pipelineName,
        [CicdAttributes.pipelineRunId]: runId,
        [CicdAttributes.pipelineActionName]: 'RUN',
      },
    },
    parentContext,
  );
}

/**
 * Starts the span of one task run (kind INTERNAL) under `parentContext`, normally the run span's context
 * (`trace.setSpan(ctx, runSpan)`, or {@link contextFromTraceparent} of the run's stored traceparent).
 */
export function startTaskSpan(
  taskName: string,
  taskRunId: string,
  parentContext: Context,
  attributes?: Attributes,
): Span {
  const span = trace.getTracer(TRACER_NAME).startSpan(
    taskName,
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        ...attributes,
        [CicdAttributes.taskName]: taskName,
        [CicdAttributes.taskRunId]: taskRunId,
      },
    },
    parentContext,
  );
  taskSpans.add(span);
  return span;
}

export interface EndWithResultOptions {
  /** Low-cardinality class of the error (`error.type`); defaults to the result value for failure/error/timeout. */
  errorType?: string;
  /** Span status description for failure/error/timeout. Must not contain secrets. */
  message?: string;
}

/**
 * Records the outcome on a span from {@link startRunSpan} or {@link startTaskSpan} and ends it. failure, error and
 * timeout set status ERROR and `error.type`; success, cancel and skipped leave the status unset (as semconv asks for
 * outcomes that are not errors). Returns the CI/CD result value, handy for the metric attributes.
 */
export function endWithResult(span: Span, outcome: Outcome, options: EndWithResultOptions = {}): CicdResult {
  const result = toCicdResult(outcome);
  const resultAttribute = taskSpans.has(span) ? CicdAttributes.taskRunResult : CicdAttributes.pipelineResult;
  span.setAttribute(resultAttribute, result);
  if (result === 'failure' || result === 'error' || result === 'timeout') {
    span.setAttribute(CicdAttributes.errorType, options.errorType ?? result);
    span.setStatus({ code: SpanStatusCode.ERROR, message: options.message ?? result });
  }
  span.end();
  return result;
}
