import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '@pipewright/testing';
import type { RunDto } from '../../src/runs/run.dto';

const appDir = join(__dirname, '../..');
const mainJs = join(appDir, 'dist/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the engine when dist/ is missing or older than its sources, so the process under test is the
 * code under test. (The workspace packages' dist/ come from `npx turbo run build`, as for `npm test`.)
 */
export function ensureEngineBuilt(): void {
  ensureBuilt(appDir);
}

/** Builds the app in `dir` (its dist/main.js) when missing or older than its sources. */
export function ensureBuilt(dir: string): void {
  const main = join(dir, 'dist/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestSource(join(dir, 'src'))) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
}

/** `POST /runs` to the engine at `url` with an inline pipewright.yml; resolves with the run's id. */
export async function postRun(url: string, workspace: string, pipelineYaml: string): Promise<string> {
  const response = await fetch(`${url}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspace, pipelineYaml }),
  });
  const body = (await response.json()) as { id: string };
  if (response.status !== 201) throw new Error(`POST /runs answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** The pipeline-engine service as a real process (`node dist/main.js`), its output appended to `logFile`. */
export class EngineProcess {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts it and resolves once it listens (its log says so, with the port it got). */
  static async start(env: Record<string, string>, logFile: string): Promise<EngineProcess> {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [mainJs], {
      cwd: appDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.pipe(log, { end: false });
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        log.write(line + '\n');
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'service listening' && entry.port) resolve(`http://127.0.0.1:${entry.port}`);
        } catch {
          // not a log line of ours
        }
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`the engine exited before listening (${signal ?? code}); see ${logFile}`)),
      );
    });
    return new EngineProcess(child, url);
  }

  /** `POST /runs` with an inline pipewright.yml; resolves with the run's id. */
  trigger(workspace: string, pipelineYaml: string): Promise<string> {
    return postRun(this.url, workspace, pipelineYaml);
  }

  /** `GET /runs/:id` until the run is finished. */
  async finishedRun(runId: string, timeoutMs = 60_000): Promise<RunDto> {
    return waitFor(
      async () => {
        const run = (await (await fetch(`${this.url}/runs/${runId}`)).json()) as RunDto;
        return run.finishedAt !== null ? run : null;
      },
      { timeoutMs, description: `run ${runId} finished`, intervalMs: 200 },
    );
  }

  /** `kill -9`: no shutdown hooks, no goodbye, exactly like a crash. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, and wait for it to exit. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
