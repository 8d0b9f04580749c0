import {
  W3CTraceContextPropagator,
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
} from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  /** `service.name`, e.g. 'pipeline-engine'. OTEL_SERVICE_NAME, when set, wins. */
  serviceName: string;
  /** `service.version`, e.g. the package version. */
  serviceVersion?: string;
}

export interface TelemetryHandle {
  /** Flushes pending spans and metrics and stops exporting. Services call it on SIGTERM. */
  shutdown(): Promise<void>;
}

/** OTEL_METRIC_EXPORT_INTERVAL overrides it; the spec's 60 s default is too slow to watch a pipeline run. */
const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 10_000;
const DEFAULT_METRIC_EXPORT_TIMEOUT_MS = 30_000;

let started: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Call it on the first line of `main.ts`, before anything else is imported, so the
 * instrumentations can patch http, express, pg, pino and Nest as they load:
 *
 *     import { startTelemetry } from '@pipewright/telemetry';
 *     const telemetry = startTelemetry({ serviceName: 'pipeline-engine' });
 *     import { NestFactory } from '@nestjs/core';
 *
 * (tsc's CommonJS output keeps that order.) Configuration is the standard OTEL_* variables:
 * - OTEL_SDK_DISABLED=true: nothing is started.
 * - OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / _METRICS_ENDPOINT, switch on OTLP/HTTP export
 *   of that signal (plus _HEADERS, _TIMEOUT, _COMPRESSION, OTEL_BSP_*, OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES,
 *   OTEL_SERVICE_NAME, OTEL_METRIC_EXPORT_INTERVAL/_TIMEOUT, OTEL_LOG_LEVEL). OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER
 *   = none switch it off again.
 * - Without an endpoint nothing is exported (an exporter would default to localhost:4318 and log ECONNREFUSED), but the SDK
 *   still runs: spans get real ids, pino logs get trace ids, and trace context still crosses HTTP and Kafka.
 * Propagation is W3C trace context only, whatever OTEL_PROPAGATORS says: that is what the event bus writes.
 *
 * A second call returns the running handle.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  if (started) return started;
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return { shutdown: async () => {} };

  const sdk = new NodeSDK({
    // Detected attributes (host, process, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) are merged over this one.
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
      }),
    ),
    textMapPropagator: new W3CTraceContextPropagator(),
    ...traceExport(),
    metricReaders: metricReaders(),
    // Service logs are pino JSON on stdout (shipped by the telemetry forwarder), not OTLP logs. An empty list also keeps
    // the SDK from creating its default OTLP log exporter.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation(),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      // requireParentSpan: the outbox relay and consumers poll Postgres all the time; a root trace per poll is noise.
      // Query parameters are not recorded (enhancedDatabaseReporting stays off): they can hold secrets.
      new PgInstrumentation({ requireParentSpan: true }),
      // Adds trace_id/span_id/trace_flags to every pino record written inside a span. No log sending: see above.
      new PinoInstrumentation({ disableLogSending: true }),
      // Deliberately NOT @opentelemetry/instrumentation-kafkajs. The event bus publishes from a transactional outbox,
      // long after the request that wrote the event, and carries that request's `traceparent` in the message headers
      // itself. The kafkajs instrumentation would parent the producer span on the relay's own context and overwrite
      // the stored traceparent header with it, cutting every consumer off from the trace of the run.
    ],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    shutdown: () => {
      stopping ??= sdk.shutdown().finally(() => {
        if (started === handle) started = undefined;
      });
      return stopping;
    },
  };
  started = handle;
  return handle;
}

function traceExport(): Pick<NodeSDKConfiguration, 'traceExporter'> | Pick<NodeSDKConfiguration, 'spanProcessors'> {
  if (shouldExport('TRACES')) {
    // The SDK wraps it in a BatchSpanProcessor configured by OTEL_BSP_*; the exporter reads OTEL_EXPORTER_OTLP_*.
    return { traceExporter: new OTLPTraceExporter() };
  }
  // A processor that drops every span still makes the SDK register a real tracer provider (it registers none for an
  // empty list), so spans are recorded with their own ids and context propagates.
  return { spanProcessors: [new NoopSpanProcessor()] };
}

function metricReaders(): PeriodicExportingMetricReader[] {
  // No reader: the SDK registers no meter provider and instruments are no-ops.
  if (!shouldExport('METRICS')) return [];
  const exportIntervalMillis = positive('OTEL_METRIC_EXPORT_INTERVAL') ?? DEFAULT_METRIC_EXPORT_INTERVAL_MS;
  const exportTimeoutMillis = Math.min(
    positive('OTEL_METRIC_EXPORT_TIMEOUT') ?? DEFAULT_METRIC_EXPORT_TIMEOUT_MS,
    exportIntervalMillis,
  );
  return [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter(),
      exportIntervalMillis,
      exportTimeoutMillis,
    }),
  ];
}

function shouldExport(signal: 'TRACES' | 'METRICS'): boolean {
  if (getStringListFromEnv(`OTEL_${signal}_EXPORTER`)?.includes('none')) return false;
  return (
    getStringFromEnv(`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`) !== undefined ||
    getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined
  );
}

function positive(variable: string): number | undefined {
  const value = getNumberFromEnv(variable);
  return value !== undefined && value > 0 ? value : undefined;
}
