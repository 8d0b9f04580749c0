import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import type { EnvironmentContext, EnvironmentProvider, ProvidedEnvironment } from '@pipewright/engine-core';
import type { StageEnvironment, StageNode } from '@pipewright/pipeline-spec';

const HEALTH_POLL_MS = 100;
const HEALTH_REQUEST_TIMEOUT_MS = 2_000;
const STOP_GRACE_MS = 3_000;
const LOG_TAIL_LINES = 10;

/** Variable a long-lived environment's address is read from locally: `PIPEWRIGHT_ENV_URL_<NAME>` (upper case, `-` and `.` as `_`). */
export function longLivedUrlVariable(name: string): string {
  return `PIPEWRIGHT_ENV_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface LocalEnvironmentOptions {
  /** Where ephemeral environments' commands run (their `cwd` is relative to it). */
  workspace: string;
  /** Base environment of the started processes. */
  env: Readonly<Record<string, string | undefined>>;
  /** A folder for each environment's output (`<stage>.log`). */
  logDir: string;
}

/**
 * Environments on this machine, with no provisioner: an ephemeral environment is its command
 * started here on a free port (`$PORT`), in a process group of its own, ready when `healthPath`
 * answers 2xx; it is stopped (the whole group) when the run releases it. A long-lived environment is
 * only looked up: its address comes from `PIPEWRIGHT_ENV_URL_<NAME>`, empty when that is not set.
 */
export class LocalEnvironmentProvider implements EnvironmentProvider {
  private readonly started = new Map<number, ChildProcess>();

  constructor(private readonly options: LocalEnvironmentOptions) {}

  async provide(
    stage: StageNode,
    environment: StageEnvironment,
    context: EnvironmentContext,
  ): Promise<ProvidedEnvironment> {
    if (environment.lifetime === 'long-lived') {
      const url = this.options.env[longLivedUrlVariable(environment.name)] ?? '';
      return { url, details: { lifetime: 'long-lived' } };
    }
    const { spec } = environment;
    const port = await freePort();
    fs.mkdirSync(this.options.logDir, { recursive: true });
    const logFile = path.join(this.options.logDir, `${stage.name}.log`);
    const log = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', spec.command], {
        cwd: path.resolve(this.options.workspace, spec.cwd ?? '.'),
        env: { ...this.options.env, ...spec.env, PORT: String(port) },
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      fs.closeSync(log);
    }
    const pid = child.pid;
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? `was stopped by ${signal}` : `exited with code ${code}`));
      child.once('error', (error) => resolve(`could not start: ${error.message}`));
    });
    if (pid === undefined) throw new Error(`environment "${environment.name}" ${await exited}`);
    this.started.set(pid, child);
    const url = `http://127.0.0.1:${port}`;
    const describe = (what: string) => `environment "${environment.name}" (${spec.command}) ${what}${tail(logFile)}`;
    const polling = new AbortController();
    try {
      const outcome = await Promise.race([
        waitHealthy(
          `${url}${spec.healthPath}`,
          spec.readyTimeoutSeconds * 1_000,
          AbortSignal.any([context.signal, polling.signal]),
        ).then((ready) => (ready ? ({ kind: 'ready' } as const) : ({ kind: 'timeout' } as const))),
        exited.then((how) => ({ kind: 'exited', how }) as const),
      ]);
      if (outcome.kind === 'exited') throw new Error(describe(`${outcome.how} before it was ready`));
      if (outcome.kind === 'timeout') {
        if (context.signal.aborted) throw new Error(`environment "${environment.name}": the run was cancelled`);
        throw new Error(describe(`did not answer 2xx on ${spec.healthPath} within ${spec.readyTimeoutSeconds}s`));
      }
    } catch (error) {
      await this.stop(pid);
      throw error;
    } finally {
      polling.abort();
    }
    return { url, details: { pid: String(pid), port: String(port), log: logFile } };
  }

  async release(_stage: StageNode, _environment: StageEnvironment, provided: ProvidedEnvironment): Promise<void> {
    const pid = Number(provided.details?.pid);
    if (Number.isInteger(pid) && pid > 0) await this.stop(pid);
  }

  /** Stops every environment this provider started and has not released (Ctrl-C, a crash of the run). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.started.keys()].map((pid) => this.stop(pid)));
  }

  /** SIGTERM to the group, SIGKILL after a grace period; also for a group a previous CLI process left behind. */
  private async stop(pid: number): Promise<void> {
    const child = this.started.get(pid);
    this.started.delete(pid);
    if (!signalGroup(pid, 'SIGTERM')) return;
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline) {
      if (child ? child.exitCode !== null || child.signalCode !== null : !signalGroup(pid, 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    signalGroup(pid, 'SIGKILL');
  }
}

/** Signals the process group led by `pid`; false when no such group exists any more. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the URL answers 2xx (true), the timeout passes or the signal aborts (false). */
async function waitHealthy(url: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS)]),
      });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  return false;
}

function tail(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').filter(Boolean).slice(-LOG_TAIL_LINES);
    return lines.length > 0 ? `; its last output:\n${lines.map((l) => `    ${l}`).join('\n')}` : '';
  } catch {
    return '';
  }
}
