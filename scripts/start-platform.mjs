#!/usr/bin/env node
// `npm start`: the whole platform on one machine. Starts Kafka (unless KAFKA_BROKERS is set),
// builds what is not built, starts the five services as child processes (each creates its
// database/schema and migrates on start), waits until every one answers /health/ready, and
// prints where everything is. Ctrl-C (SIGINT/SIGTERM) stops the services; Kafka keeps running
// (`npm run infra:down` stops it).
//
// Environment: DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, PIPEWRIGHT_PORT_BASE (default 3001),
// PIPEWRIGHT_SKIP_BUILD=1, LOG_LEVEL, OTEL_* — passed through to every service.
// Machine-readable: one line `PIPEWRIGHT_READY {"services":{...}}` on stdout once all are ready.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = [
  'pipeline-engine',
  'build-data-repository',
  'environment-provisioner',
  'telemetry-forwarder',
  'cost-reporter',
];
const READY_TIMEOUT_MS = Number(process.env.PIPEWRIGHT_READY_TIMEOUT_MS ?? 120_000);

function fail(message) {
  process.stderr.write(`start: ${message}\n`);
  process.exit(1);
}

function parsePortBase() {
  const raw = process.env.PIPEWRIGHT_PORT_BASE ?? '3001';
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base > 65535 - SERVICES.length)
    fail(`PIPEWRIGHT_PORT_BASE: expected a port number between 1024 and ${65535 - SERVICES.length}, got "${raw}"`);
  return base;
}

function startKafka() {
  if (process.env.KAFKA_BROKERS) return process.env.KAFKA_BROKERS;
  const result = spawnSync('bash', [join(root, 'infra/kafka/start')], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) fail('Kafka did not start (see above); set KAFKA_BROKERS to use a running cluster');
  const line = result.stdout
    .toString()
    .split('\n')
    .find((l) => l.startsWith('KAFKA_BROKERS='));
  return line ? line.slice('KAFKA_BROKERS='.length).trim() : '127.0.0.1:9092';
}

function build() {
  if (process.env.PIPEWRIGHT_SKIP_BUILD === '1') {
    const missing = SERVICES.filter((s) => !existsSync(join(root, 'apps', s, 'dist/main.js')));
    if (missing.length) fail(`PIPEWRIGHT_SKIP_BUILD=1 but not built: ${missing.join(', ')}`);
    return;
  }
  const result = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) fail('build failed (see above)');
}

async function waitReady(name, url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready at ${url}/health/ready within ${READY_TIMEOUT_MS / 1000} s`);
}

function prefixOutput(name, stream, out) {
  const rl = createInterface({ input: stream });
  rl.on('line', (line) => out.write(`[${name}] ${line}\n`));
}

async function main() {
  const startedAt = Date.now();
  const portBase = parsePortBase();
  const brokers = startKafka();
  const kafkaMs = Date.now() - startedAt;
  build();

  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pipewright',
  };
  const children = SERVICES.map((name, index) => {
    const port = portBase + index;
    const child = spawn(process.execPath, [join(root, 'apps', name, 'dist/main.js')], {
      cwd: join(root, 'apps', name),
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixOutput(name, child.stdout, process.stdout);
    prefixOutput(name, child.stderr, process.stderr);
    return { name, child, url: `http://127.0.0.1:${port}` };
  });

  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 10_000);
    force.unref();
    Promise.all(children.map(({ child }) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r))))).then(
      () => process.exit(code),
    );
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  for (const { name, child } of children) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`start: ${name} stopped unexpectedly (code ${code}, signal ${signal}); stopping the platform\n`);
      stop(1);
    });
  }

  try {
    await Promise.all(children.map(({ name, url, child }) => waitReady(name, url, child)));
  } catch (error) {
    process.stderr.write(`start: ${error.message}\n`);
    stop(1);
    return;
  }
  const services = Object.fromEntries(children.map(({ name, url, child }) => [name, { url, pid: child.pid }]));
  process.stdout.write(
    [
      '',
      `Pipewright is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (Kafka ${(kafkaMs / 1000).toFixed(1)} s)`,
      `  Kafka                    ${brokers}`,
      `  PostgreSQL               ${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}`,
      ...children.map(({ name, url }) => `  ${name.padEnd(24)} ${url}`),
      '  Ctrl-C stops the services; `npm run infra:down` stops Kafka.',
      '',
    ].join('\n') + '\n',
  );
  process.stdout.write(`PIPEWRIGHT_READY ${JSON.stringify({ services, kafka: brokers })}\n`);
}

main().catch((error) => fail(error.stack ?? String(error)));
