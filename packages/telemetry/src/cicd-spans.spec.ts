import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { endWithResult, startRunSpan, startTaskSpan } from './cicd-spans';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => trace.setGlobalTracerProvider(provider));
afterEach(() => exporter.reset());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
});

function finished(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!span) throw new Error(`no finished span named ${name}`);
  return span;
}

describe(startRunSpan.name, () => {
  it('starts a SERVER span named after the pipeline, carrying its name and run id', () => {
    endWithResult(startRunSpan('build-and-deploy', 'run-42', ROOT_CONTEXT), 'success');

    const run = finished('RUN build-and-deploy');
    expect(run.kind).toBe(SpanKind.SERVER);
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toMatchObject({
      'cicd.pipeline.name': 'build-and-deploy',
      'cicd.pipeline.run.id': 'run-42',
      'cicd.pipeline.action.name': 'RUN',
      'cicd.pipeline.result': 'success',
    });
  });
});

describe(startTaskSpan.name, () => {
  it('starts an INTERNAL child of the run span in the same trace', () => {
    const run = startRunSpan('build', 'run-1', ROOT_CONTEXT);
    const task = startTaskSpan('compile', 'task-7', trace.setSpan(ROOT_CONTEXT, run));
    endWithResult(task, 'success');
    endWithResult(run, 'success');

    const taskSpan = finished('compile');
    expect(taskSpan.kind).toBe(SpanKind.INTERNAL);
    expect(taskSpan.spanContext().traceId).toBe(run.spanContext().traceId);
    expect(taskSpan.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(taskSpan.attributes).toMatchObject({
      'cicd.pipeline.task.name': 'compile',
      'cicd.pipeline.task.run.id': 'task-7',
      'cicd.pipeline.task.run.result': 'success',
    });
    expect(taskSpan.attributes).not.toHaveProperty('cicd.pipeline.result');
  });
});

describe(endWithResult.name, () => {
  it('marks a failed task as an error with error.type', () => {
    const task = startTaskSpan('test', 'task-1', ROOT_CONTEXT);

    expect(endWithResult(task, 'failure', { errorType: 'exit_code_1' })).toBe('failure');

    const span = finished('test');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['cicd.pipeline.task.run.result']).toBe('failure');
    expect(span.attributes['error.type']).toBe('exit_code_1');
  });

  it('records a timed-out run as an error, defaulting error.type to the result', () => {
    endWithResult(startRunSpan('nightly', 'run-2', ROOT_CONTEXT), 'timeout');

    const span = finished('RUN nightly');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ 'cicd.pipeline.result': 'timeout', 'error.type': 'timeout' });
  });

  it('records a cancelled run as cancellation without an error status', () => {
    endWithResult(startRunSpan('nightly', 'run-3', ROOT_CONTEXT), 'cancel');

    const span = finished('RUN nightly');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['cicd.pipeline.result']).toBe('cancellation');
    expect(span.attributes).not.toHaveProperty('error.type');
  });
});
