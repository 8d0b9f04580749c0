import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunState } from '@pipewright/engine-core';
import type { PipelineGraph } from '@pipewright/pipeline-spec';

/** Under the repository: `.pipewright/runs/<run-id>/` and `.pipewright/runs/latest`. */
export const RUNS_DIR = path.join('.pipewright', 'runs');
export const LATEST = 'latest';

/** What `run.json` records about how a run was started. */
export interface RunMeta {
  runId: string;
  /** The pipeline file, as given. */
  file: string;
  startedAt: string;
  mock: boolean;
  to?: string;
  only?: string;
  /** The run whose results this one reused (`--from-failed`, or `--only` taking earlier outputs from it). */
  previousRun?: string;
  inputs: Record<string, string>;
}

/**
 * A new run id that sorts by start time: `20251122-120301-3fa2c1`.
 * (Local time is not used: ids from two machines or time zones still sort correctly.)
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * A run's files: `run.json` (how it was started), `graph.json` (the resolved pipeline), `state.json`
 * (engine-core's RunState, rewritten atomically after every event), `logs/<stage>.<task>.<attempt>.log`
 * (one per task attempt) and `environments/<stage>.log` (an ephemeral environment's output).
 */
export class RunDirectory {
  constructor(
    readonly runId: string,
    readonly dir: string,
  ) {}

  get logsDir(): string {
    return path.join(this.dir, 'logs');
  }

  get environmentsDir(): string {
    return path.join(this.dir, 'environments');
  }

  logFile(taskId: string, attempt: number): string {
    return path.join(this.logsDir, `${taskId}.${attempt}.log`);
  }

  writeMeta(meta: RunMeta): void {
    writeJson(path.join(this.dir, 'run.json'), meta);
  }

  writeGraph(graph: PipelineGraph): void {
    writeJson(path.join(this.dir, 'graph.json'), graph);
  }

  writeState(state: RunState): void {
    writeJson(path.join(this.dir, 'state.json'), state);
  }

  readState(): RunState {
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'state.json'), 'utf8')) as RunState;
  }

  readMeta(): RunMeta | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, 'run.json'), 'utf8')) as RunMeta;
    } catch {
      return undefined;
    }
  }
}

/** The runs of one repository. */
export class RunStore {
  readonly root: string;

  constructor(repositoryDir: string) {
    this.root = path.join(repositoryDir, RUNS_DIR);
  }

  create(runId: string): RunDirectory {
    const dir = path.join(this.root, runId);
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    return new RunDirectory(runId, dir);
  }

  /** Points `latest` at the run (a relative symlink; a file holding the id where symlinks are not allowed). */
  markLatest(run: RunDirectory): void {
    const link = path.join(this.root, LATEST);
    const temporary = `${link}.${process.pid}.tmp`;
    fs.rmSync(temporary, { force: true });
    try {
      fs.symlinkSync(run.runId, temporary, 'dir');
    } catch {
      fs.writeFileSync(temporary, `${run.runId}\n`);
    }
    fs.renameSync(temporary, link);
  }

  /** The run `latest` points at, if any. */
  latest(): RunDirectory | undefined {
    const link = path.join(this.root, LATEST);
    let runId: string;
    try {
      runId = fs.lstatSync(link).isSymbolicLink()
        ? path.basename(fs.readlinkSync(link))
        : fs.readFileSync(link, 'utf8').trim();
    } catch {
      return undefined;
    }
    const dir = path.join(this.root, runId);
    return fs.existsSync(path.join(dir, 'state.json')) ? new RunDirectory(runId, dir) : undefined;
  }
}

/** Written to a temporary file and renamed, so a reader (or a crash) never sees half a file. */
function writeJson(file: string, value: unknown): void {
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(temporary, file);
}
