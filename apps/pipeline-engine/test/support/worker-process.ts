import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '@pipewright/testing';

export const cliDir = join(__dirname, '../../../cli');

/** A `pipewright worker` as a real process (`node apps/cli/dist/main.js worker ...`), its output appended to `logFile`. */
export class WorkerProcess {
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly id: string,
    /** What it printed so far (its account of the tasks it took, ran, skipped and cancelled), in order. */
    readonly lines: readonly string[],
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts it and resolves once it says it takes tasks. */
  static async start(id: string, args: string[], env: Record<string, string>, logFile: string): Promise<WorkerProcess> {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [join(cliDir, 'dist/main.js'), 'worker', '--id', id, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      for (const output of [child.stdout, child.stderr])
        createInterface({ input: output }).on('line', (line) => {
          lines.push(line);
          log.write(`[${id}] ${line}\n`);
          if (line.includes('runs tasks of pool')) resolve();
        });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker ${id} exited before it took tasks (${signal ?? code}); see ${logFile}`)),
      );
    });
    return new WorkerProcess(child, id, lines);
  }

  /** The first line it printed that contains `text`, once it has printed it. */
  printed(text: string, timeoutMs = 30_000): Promise<string> {
    return waitFor(() => this.lines.find((line) => line.includes(text)), {
      timeoutMs,
      description: `worker ${this.id} printing "${text}"`,
    });
  }

  /** `kill -9`: no goodbye, no result, no heartbeat any more. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: it stays alive but says nothing (no heartbeat) until `resume`, as behind a network partition. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGTERM (after a SIGCONT, should it be paused); resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGTERM');
    }
    return this.exited;
  }
}
