import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type DiagLogger,
  DiagLogLevel,
  ROOT_CONTEXT,
  context,
  diag,
  logs,
  metrics,
  propagation,
  trace,
} from '@opentelemetry/api';
import { endWithResult, startRunSpan } from './cicd-spans';
import { startTelemetry } from './start-telemetry';
import { currentTraceparent, withContext } from './trace-context';

interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in OTLP/HTTP collector on 127.0.0.1 that records every request it receives. */
async function startCollector(): Promise<{ server: Server; url: string; received: ReceivedRequest[] }> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

// The export test runs a real service-like process: the OTLP exporter loads `http` with a dynamic import(), which
// Jest's module sandbox refuses without --experimental-vm-modules, and instrumentations only patch modules loaded by
// Node itself. The sources are compiled on the fly with SWC, as Jest does.
const SERVICE_SCRIPT = `
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const telemetry = require(${JSON.stringify(path.join(__dirname, 'index.ts'))});
const handle = telemetry.startTelemetry({ serviceName: 'telemetry-spec', serviceVersion: '1.2.3' });
// Loaded after startTelemetry, like everything in a service's main.ts.
const http = require('node:http');
const { ROOT_CONTEXT, metrics, trace } = require('@opentelemetry/api');

const run = telemetry.startRunSpan('export-check', 'run-1', ROOT_CONTEXT);
telemetry.cicdMetrics(metrics.getMeter('telemetry-spec')).pipelineRunActive.add(1);
telemetry.withContext(trace.setSpan(ROOT_CONTEXT, run), () => {
  http.get(process.env.PING_URL, (res) => {
    res.resume().on('end', () => {
      telemetry.endWithResult(run, 'success');
      handle.shutdown().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
    });
  });
});
`;

const OTEL_ENV = [
  'OTEL_SDK_DISABLED',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_SERVICE_NAME',
  'OTEL_LOG_LEVEL',
];
const savedEnv = Object.fromEntries(OTEL_ENV.map((name) => [name, process.env[name]]));

function otelFreeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !OTEL_ENV.includes(name)));
}

beforeEach(() => {
  for (const name of OTEL_ENV) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  // Let the next test register its own SDK.
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
  logs.disable();
  diag.disable();
});

describe(startTelemetry.name, () => {
  it('exports spans and metrics to OTEL_EXPORTER_OTLP_ENDPOINT and propagates traceparent over HTTP', async () => {
    const collector = await startCollector();
    let stderr = '';
    try {
      const service = spawn(process.execPath, ['-e', SERVICE_SCRIPT], {
        cwd: path.join(__dirname, '..'),
        env: { ...otelFreeEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, PING_URL: `${collector.url}/ping` },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      service.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [exitCode] = (await once(service, 'exit')) as [number | null];
      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    } finally {
      collector.server.close();
    }

    const traces = collector.received.filter((r) => r.path === '/v1/traces');
    expect(traces).toHaveLength(1);
    expect(traces[0]!.headers['content-type']).toBe('application/json');
    const spans = (JSON.parse(traces[0]!.body) as OtlpTraces).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, resource: rs.resource.attributes }))),
    );
    const run = spans.find((s) => s.name === 'RUN export-check');
    expect(run?.resource).toEqual(
      expect.arrayContaining([
        { key: 'service.name', value: { stringValue: 'telemetry-spec' } },
        { key: 'service.version', value: { stringValue: '1.2.3' } },
      ]),
    );
    // The instrumented HTTP client span is a child of the run span, and its traceparent reached the server.
    const client = spans.find((s) => s.parentSpanId === run?.spanId);
    expect(client?.traceId).toBe(run?.traceId);
    const ping = collector.received.find((r) => r.path === '/ping');
    expect(ping?.headers.traceparent).toBe(`00-${run?.traceId}-${client?.spanId}-01`);

    const metricRequests = collector.received.filter((r) => r.path === '/v1/metrics');
    expect(metricRequests.map((r) => r.body).join()).toContain('cicd.pipeline.run.active');
  });

  it('without an endpoint still traces and propagates context, and exports nothing', async () => {
    const errors: string[] = [];
    const ignore = () => {};
    const logger: DiagLogger = {
      error: (...args: unknown[]) => errors.push(args.map(String).join(' ')),
      warn: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    };
    diag.setLogger(logger, DiagLogLevel.ERROR);

    const sut = startTelemetry({ serviceName: 'telemetry-spec' });
    const run = startRunSpan('no-export', 'run-2', ROOT_CONTEXT);
    const { traceId, spanId } = run.spanContext();
    const traceparent = withContext(trace.setSpan(ROOT_CONTEXT, run), () => currentTraceparent());
    endWithResult(run, 'success');
    await sut.shutdown();

    expect(traceId).not.toBe('00000000000000000000000000000000');
    expect(traceparent).toBe(`00-${traceId}-${spanId}-01`);
    // An exporter aimed at the default localhost:4318 would log ECONNREFUSED here (in Jest it even hangs the test).
    expect(errors).toEqual([]);
  });

  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';

    const sut = startTelemetry({ serviceName: 'telemetry-spec' });
    const run = startRunSpan('disabled', 'run-3', ROOT_CONTEXT);

    expect(run.isRecording()).toBe(false);
    await expect(sut.shutdown()).resolves.toBeUndefined();
  });
});

interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] }[];
  }[];
}
