import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { timeOrderedUuid, type LocalProcessSpec } from '@pipewright/contracts';
import {
  EnvironmentNotReady,
  type CreatedEnvironment,
  type DriverResource,
  type EnvironmentDriver,
} from '../environment-driver';
import { findFreePort } from './free-port';
import { probeHttp } from './http-probe';
import { tailOfFile } from './log-tail';
import { isProcessGroupAlive, stopProcessGroup } from './process-group';

export interface LocalProcessDriverOptions {
  /** Each process's stdout/stderr goes to `<logDir>/<environment id>-<resource id>.log`. */
  readonly logDir: string;
  /** Between SIGTERM and SIGKILL. */
  readonly stopGraceMs: number;
  /** Between health checks. Default 200 ms. */
  readonly pollIntervalMs?: number;
}

/** One health check may take this long before it counts as "no answer". */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Runs the environment as one shell command on this host, listening on a free port on 127.0.0.1.
 * The process gets its own process group (so stopping it stops its children too) and is not tied to
 * the provisioner: environments outlive provisioner restarts, and are found again through their pid.
 */
export class LocalProcessDriver implements EnvironmentDriver<LocalProcessSpec> {
  readonly name = 'local-process';
  private readonly pollIntervalMs: number;

  constructor(private readonly options: LocalProcessDriverOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  async create(environmentId: string, spec: LocalProcessSpec): Promise<CreatedEnvironment> {
    const cwd = resolve(spec.cwd ?? process.cwd());
    if (!(await isDirectory(cwd))) throw new EnvironmentNotReady(`working directory ${cwd} does not exist`);
    await mkdir(this.options.logDir, { recursive: true });

    const port = await findFreePort();
    const resourceId = timeOrderedUuid();
    const logFile = join(this.options.logDir, `${fileSafe(environmentId)}-${resourceId}.log`);
    const { pid, exit } = await spawnDetached(spec, { cwd, port, logFile });
    const startedAt = new Date();

    const resource: DriverResource = { id: resourceId, type: 'process', startedAt, details: { pid, port, logFile } };
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      resources: [resource],
      ready: () => this.waitUntilHealthy(`${url}${spec.healthPath}`, spec.readyTimeoutSeconds, { pid, logFile, exit }),
    };
  }

  async destroy(resources: readonly Pick<DriverResource, 'id' | 'details'>[]): Promise<void> {
    await Promise.all(resources.map((resource) => stopProcessGroup(pidOf(resource), this.options.stopGraceMs)));
  }

  exists(resource: Pick<DriverResource, 'id' | 'details'>): Promise<boolean> {
    return isProcessGroupAlive(pidOf(resource));
  }

  private async waitUntilHealthy(
    healthUrl: string,
    timeoutSeconds: number,
    { pid, logFile, exit }: { pid: number; logFile: string; exit: () => string | undefined },
  ): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1_000;
    let lastAttempt = 'no attempt';
    for (;;) {
      // The shell may exit after starting the server in the background; only an empty group is over.
      const exited = exit();
      if (exited && !(await isProcessGroupAlive(pid))) {
        throw new EnvironmentNotReady(
          `process ${exited} before ${healthUrl} answered 2xx; process output: ${await output(logFile)}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new EnvironmentNotReady(
          `health check ${healthUrl} did not answer 2xx within ${timeoutSeconds} s (last attempt: ${lastAttempt}); ` +
            `process output: ${await output(logFile)}`,
        );
      }
      try {
        const status = await probeHttp(healthUrl, Math.min(PROBE_TIMEOUT_MS, left));
        if (status >= 200 && status < 300) return;
        lastAttempt = `HTTP ${status}`;
      } catch (error) {
        lastAttempt = (error as Error).message;
      }
      await sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - Date.now())));
    }
  }
}

interface SpawnedProcess {
  readonly pid: number;
  /** How the process ended (`exited with code 1`), or undefined while it runs. */
  readonly exit: () => string | undefined;
}

async function spawnDetached(
  spec: LocalProcessSpec,
  { cwd, port, logFile }: { cwd: string; port: number; logFile: string },
): Promise<SpawnedProcess> {
  const log = await open(logFile, 'a');
  try {
    const child = spawn('sh', ['-c', spec.command], {
      cwd,
      env: { ...process.env, ...spec.env, PORT: String(port) },
      // Own process group: stopping the environment signals the shell and everything it started.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    // Listening before anything else is awaited, so an immediate exit is not missed.
    let exit: string | undefined;
    child.once('exit', (code, signal) => {
      exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    });
    // `once` rejects on 'error' (e.g. no `sh`), so a process that never started is never reported as started.
    await once(child, 'spawn');
    // The provisioner may exit (or restart) while the environment keeps running.
    child.unref();
    return { pid: child.pid as number, exit: () => exit };
  } finally {
    // The child has its own copy of the descriptor.
    await log.close();
  }
}

function pidOf(resource: Pick<DriverResource, 'id' | 'details'>): number {
  const pid = resource.details.pid;
  if (typeof pid !== 'number') throw new Error(`resource ${resource.id} has no pid`);
  return pid;
}

async function output(logFile: string): Promise<string> {
  return (await tailOfFile(logFile)) || '(none)';
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Environment ids come from messages: keep them from naming paths outside the log directory. */
function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
}
