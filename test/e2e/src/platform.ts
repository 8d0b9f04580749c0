import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(__dirname, '../../..');

export interface RunningPlatform {
  urls: Record<
    'pipeline-engine' | 'build-data-repository' | 'environment-provisioner' | 'telemetry-forwarder' | 'cost-reporter',
    string
  >;
  pids: number[];
  logFile: string;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Where the kernel's ephemeral ports (the source ports of outgoing connections) start. The services open
 * dozens of Kafka and PostgreSQL connections while starting, and one of them may take a port in that range
 * after freePortBase found it free and before its service listens on it.
 */
function ephemeralPortsStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 11_000 ? start : 32_768;
  } catch {
    return 32_768; // Linux's default; elsewhere a guess
  }
}

/** A base port with the `count` ports after it free, all below the ephemeral port range. */
export async function freePortBase(count = 5): Promise<number> {
  const highest = ephemeralPortsStart() - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (highest - 10_000));
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no five consecutive free ports found');
}

function tail(file: string, lines: number): string {
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Starts the platform exactly as `npm start` does (scripts/start-platform.mjs, five child
 * processes) and resolves once it prints PIPEWRIGHT_READY. Its output goes to `logFile`.
 */
export async function startPlatform(env: Record<string, string>, logFile: string): Promise<RunningPlatform> {
  const log = createWriteStream(logFile);
  const launcher: ChildProcess = spawn(process.execPath, [join(repoRoot, 'scripts/start-platform.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PIPEWRIGHT_SKIP_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher.stderr?.pipe(log);
  const ready = await new Promise<{ services: Record<string, { url: string; pid: number }> }>((resolve, reject) => {
    const rl = createInterface({ input: launcher.stdout! });
    rl.on('line', (line) => {
      log.write(line + '\n');
      if (line.startsWith('PIPEWRIGHT_READY '))
        resolve(
          JSON.parse(line.slice('PIPEWRIGHT_READY '.length)) as {
            services: Record<string, { url: string; pid: number }>;
          },
        );
    });
    // 'close' comes once the launcher's output has ended, which ends the log (stderr is piped into it); the
    // log's last lines say why (CI keeps only the test output, not the log file).
    launcher.once('close', (code) => {
      const fail = () =>
        reject(new Error(`the platform stopped before it was ready (code ${code}); ${logFile} ends:\n${tail(logFile, 40)}`));
      if (log.writableFinished) fail();
      else log.once('finish', fail);
    });
  });
  return {
    urls: Object.fromEntries(Object.entries(ready.services).map(([k, v]) => [k, v.url])) as RunningPlatform['urls'],
    pids: Object.values(ready.services).map((s) => s.pid),
    logFile,
    stop: () =>
      new Promise<void>((resolve) => {
        if (launcher.exitCode !== null) return resolve();
        launcher.once('exit', () => log.end(() => resolve()));
        launcher.kill('SIGTERM');
      }),
  };
}
