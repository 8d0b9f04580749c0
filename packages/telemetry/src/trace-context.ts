import { type Context, ROOT_CONTEXT, context, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// The W3C propagator is used directly rather than through `propagation` (the global one), so the event bus can store
// and restore trace context the same way whether or not startTelemetry() ran (tests, the CLI).
const w3c = new W3CTraceContextPropagator();

/** The W3C `traceparent`/`tracestate` pair, as stored in the outbox and sent in Kafka headers. */
export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

/** `traceparent` and `tracestate` of the span in `ctx` (default: the active context); undefined if there is none. */
export function currentTraceHeaders(ctx: Context = context.active()): TraceHeaders | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  const { traceparent, tracestate } = carrier;
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** The W3C `traceparent` of the span in `ctx` (default: the active context); undefined if there is none. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  return currentTraceHeaders(ctx)?.traceparent;
}

/**
 * A context whose (remote) parent is the span `traceparent` names; spans started in it join that trace.
 * A missing or malformed traceparent gives a context without a parent, so the work starts a trace of its own; so does
 * the base: it is ROOT_CONTEXT, not the active context, because a consumed message must not inherit whatever happens
 * to be active in the consumer loop.
 */
export function contextFromTraceparent(traceparent: string | undefined, tracestate?: string): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent };
  if (tracestate !== undefined) carrier.tracestate = tracestate;
  return w3c.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/**
 * Runs `fn` with `ctx` active, so spans started inside (also by instrumentations) are its children and
 * {@link currentTraceparent} returns its traceparent. Needs a context manager: startTelemetry() registers one.
 */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
