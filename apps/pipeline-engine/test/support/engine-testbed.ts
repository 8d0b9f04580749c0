import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafka, postgres, topicPrefix, type PostgresService } from '@pipewright/testing';
import { EngineProcess, ensureEngineBuilt } from './engine-process';
import { Peers } from './peers';

/**
 * What tests of engine processes share: a database and topic prefix of their own, the engine's peers,
 * engine processes (their logs in `logDir`) and task workspaces, all cleaned up by `close`.
 */
export class EngineTestbed {
  private readonly engines: EngineProcess[] = [];
  private readonly workspaces: string[] = [];

  private constructor(
    readonly db: PostgresService,
    readonly peers: Peers,
    /** The environment every engine of the testbed gets (database, Kafka, topic prefix, and the testbed's own). */
    readonly env: Readonly<Record<string, string>>,
    readonly logDir: string,
  ) {}

  static async open(name: string, env: Record<string, string> = {}): Promise<EngineTestbed> {
    ensureEngineBuilt();
    const [{ brokers }, db] = await Promise.all([kafka(), postgres()]);
    const prefix = topicPrefix();
    const peers = await Peers.open(brokers, prefix);
    const logDir = await mkdtemp(join(tmpdir(), `engine-${name}-logs-`));
    return new EngineTestbed(
      db,
      peers,
      { DATABASE_URL: db.url, KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'info', ...env },
      logDir,
    );
  }

  /** Starts an engine process with the testbed's environment and `env`; its output goes to `<logDir>/<logName>.log`. */
  async startEngine(env: Record<string, string> = {}, logName = 'engine'): Promise<EngineProcess> {
    const engine = await EngineProcess.start({ ...this.env, ...env }, join(this.logDir, `${logName}.log`));
    this.engines.push(engine);
    return engine;
  }

  /** A new empty directory to run a pipeline in. */
  async workspace(prefix: string): Promise<string> {
    const workspace = await mkdtemp(join(tmpdir(), prefix));
    this.workspaces.push(workspace);
    return workspace;
  }

  /**
   * Stops the engines and drops everything. Task processes of a killed engine outlive it (their own
   * process groups): those whose shell wrote its pid to one of `pidFiles` in a workspace are ended.
   */
  async close(pidFiles: readonly string[]): Promise<void> {
    for (const engine of this.engines) await engine.stop();
    for (const workspace of this.workspaces) for (const pidFile of pidFiles) killProcessGroup(join(workspace, pidFile));
    await this.peers.close();
    await this.db.drop();
    for (const dir of [...this.workspaces, this.logDir]) await rm(dir, { recursive: true, force: true });
  }
}

/** Ends the process group whose leader's pid a task wrote to `pidFile`, if it still runs. */
export function killProcessGroup(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  try {
    process.kill(-Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
  } catch {
    // already gone
  }
}
