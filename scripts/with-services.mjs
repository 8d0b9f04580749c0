#!/usr/bin/env node
// Runs a command with the test services available:
//   - Kafka: KAFKA_BROKERS if set; else, without a Docker engine (testcontainers' job when there is
//     one), the local broker from infra/kafka/start, exported as KAFKA_BROKERS.
//   - PostgreSQL: DATABASE_URL if set; else postgres://postgres@127.0.0.1:5432/postgres when that
//     port accepts connections (tests create their own databases through it).
// A broker started here keeps running for fast re-runs, unless --stop-after is given or CI=true.
// Exit code is the command's.
//
//   node scripts/with-services.mjs [--stop-after] [--] <command> [args...]
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kafkaScript = (name) => path.join(root, 'infra', 'kafka', name);
const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (message) => process.stderr.write(`with-services: ${message}\n`);

function parseArgs(argv) {
  let stopAfter = false;
  let i = 0;
  for (; i < argv.length; i++) {
    if (argv[i] === '--stop-after') stopAfter = true;
    else if (argv[i] === '--') {
      i++;
      break;
    } else break;
  }
  return { stopAfter, command: argv.slice(i) };
}

function portOpen(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function dockerAvailable() {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the local broker; returns its brokers and whether this call started it. */
function startLocalKafka() {
  const wasRunning = spawnSync('bash', [kafkaScript('status')], { stdio: 'ignore' }).status === 0;
  const result = spawnSync('bash', [kafkaScript('start')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    log('could not start Kafka (see above)');
    process.exit(result.status ?? 1);
  }
  const brokers = /^KAFKA_BROKERS=(.+)$/m.exec(result.stdout)?.[1]?.trim();
  if (!brokers) {
    log(`infra/kafka/start did not print KAFKA_BROKERS=...; its output was:\n${result.stdout}`);
    process.exit(1);
  }
  return { brokers, startedHere: !wasRunning };
}

function run(command, env) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
    const forward = (signal) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
    child.once('error', (error) => {
      log(`cannot run ${command[0]}: ${error.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal] ?? 0)));
  });
}

const { stopAfter, command } = parseArgs(process.argv.slice(2));
if (command.length === 0) {
  log('usage: node scripts/with-services.mjs [--stop-after] [--] <command> [args...]');
  process.exit(2);
}

// Like `npm run`: the repo's own tools (turbo, jest) are found without npx.
const env = { ...process.env, PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter) };
let stopKafka = false;

if (!env.KAFKA_BROKERS?.trim()) {
  if (await dockerAvailable()) {
    log('Kafka: KAFKA_BROKERS unset and a Docker engine is reachable; tests will start Kafka containers');
  } else {
    const { brokers, startedHere } = startLocalKafka();
    env.KAFKA_BROKERS = brokers;
    stopKafka = startedHere && (stopAfter || env.CI === 'true');
    log(`Kafka: KAFKA_BROKERS=${brokers} (${startedHere ? 'started' : 'already running'}, infra/kafka)`);
  }
} else {
  log(`Kafka: KAFKA_BROKERS=${env.KAFKA_BROKERS} (from the environment)`);
}

if (!env.DATABASE_URL?.trim()) {
  if (await portOpen('127.0.0.1', 5432)) {
    env.DATABASE_URL = LOCAL_DATABASE_URL;
    log(`PostgreSQL: DATABASE_URL=${LOCAL_DATABASE_URL}`);
  } else {
    log('PostgreSQL: DATABASE_URL unset and nothing listens on 127.0.0.1:5432; tests that need it will say so');
  }
}

const code = await run(command, env);

if (stopKafka) {
  spawnSync('bash', [kafkaScript('stop')], { stdio: 'inherit' });
}
process.exit(code);
