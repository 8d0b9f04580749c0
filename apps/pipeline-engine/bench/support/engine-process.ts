import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { postRun } from '../../test/support/engine-process';

/** apps/pipeline-engine (this file runs from dist/bench/bench/support). */
const appDir = resolve(__dirname, '../../../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** The resident set size of process `pid` in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Samples a process's RSS every `intervalMs` and keeps the peak. */
export class RssSampler {
  peakMb: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.peakMb = rssMb(pid);
    this.timer = setInterval(() => {
      try {
        this.peakMb = Math.max(this.peakMb, rssMb(this.pid));
      } catch {
        // the process is gone; whoever waits on it will say so
      }
    }, intervalMs);
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakMb;
  }
}

/**
 * The built engine (`node dist/main.js`) as its own process, so its memory is its own; its output
 * goes to `logFile`. Ready once `/health/ready` answers 200.
 */
export class BenchEngine {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((done) => child.once('exit', () => done()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(env: Record<string, string>, logDir: string): Promise<BenchEngine> {
    const port = await freePort();
    const log = createWriteStream(join(logDir, 'engine.log'), { flags: 'a' });
    const child = spawn(process.execPath, [join(appDir, 'dist/main.js')], {
      cwd: appDir,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const engine = new BenchEngine(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode}); see ${logDir}/engine.log`);
      try {
        if ((await fetch(`${engine.url}/health/ready`)).status === 200) return engine;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await engine.stop();
        throw new Error(`the engine was not ready within 60 s; see ${logDir}/engine.log`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** Starts a run from an inline pipewright.yml; resolves with its id. */
  trigger(workspace: string, pipelineYaml: string): Promise<string> {
    return postRun(this.url, workspace, pipelineYaml);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
