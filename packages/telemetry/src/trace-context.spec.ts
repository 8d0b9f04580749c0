import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { endWithResult, startRunSpan, startTaskSpan } from './cicd-spans';
import { contextFromTraceparent, currentTraceHeaders, currentTraceparent, withContext } from './trace-context';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('without a started SDK', () => {
  it('carries a traceparent through a context unchanged', () => {
    expect(currentTraceparent(contextFromTraceparent(TRACEPARENT))).toBe(TRACEPARENT);
  });

  it('has no traceparent when no span is active', () => {
    expect(currentTraceparent()).toBeUndefined();
  });
});

describe('with a tracer provider', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  describe(currentTraceparent.name, () => {
    it('serializes the span of the context as a W3C traceparent', () => {
      const run = startRunSpan('build', 'run-1', ROOT_CONTEXT);
      const { traceId, spanId } = run.spanContext();

      expect(currentTraceparent(trace.setSpan(ROOT_CONTEXT, run))).toBe(`00-${traceId}-${spanId}-01`);
      run.end();
    });
  });

  describe(contextFromTraceparent.name, () => {
    it('makes spans started in it children of the original span, in its trace', () => {
      const run = startRunSpan('build', 'run-1', ROOT_CONTEXT);
      const stored = currentTraceparent(trace.setSpan(ROOT_CONTEXT, run));

      const task = startTaskSpan('compile', 'task-1', contextFromTraceparent(stored));
      endWithResult(task, 'success');
      endWithResult(run, 'success');

      const exported = exporter.getFinishedSpans().find((s) => s.name === 'compile');
      expect(exported?.spanContext().traceId).toBe(run.spanContext().traceId);
      expect(exported?.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
      expect(exported?.parentSpanContext?.isRemote).toBe(true);
    });

    it('keeps tracestate', () => {
      const ctx = contextFromTraceparent(TRACEPARENT, 'pw=run-1,other=x');

      expect(currentTraceHeaders(ctx)).toEqual({ traceparent: TRACEPARENT, tracestate: 'pw=run-1,other=x' });
    });

    it.each([undefined, 'not-a-traceparent', '00-00000000000000000000000000000000-b7ad6b7169203331-01'])(
      'starts a new trace for %p',
      (traceparent) => {
        const span = startTaskSpan('orphan', 'task-2', contextFromTraceparent(traceparent));
        span.end();

        expect(exporter.getFinishedSpans().find((s) => s.name === 'orphan')?.parentSpanContext).toBeUndefined();
        exporter.reset();
      },
    );
  });

  describe(withContext.name, () => {
    it('makes the context active for the callback, across awaits', async () => {
      const ctx = contextFromTraceparent(TRACEPARENT);

      const inside = await withContext(ctx, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return currentTraceparent();
      });

      expect(inside).toBe(TRACEPARENT);
      expect(currentTraceparent()).toBeUndefined();
    });
  });
});
