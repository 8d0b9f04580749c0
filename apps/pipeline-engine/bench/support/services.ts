import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafka, postgres, topicPrefix, type PostgresService } from '@pipewright/testing';
import { Peers } from '../../test/support/peers';
import { BenchEngine } from './engine-process';

export interface BenchSetup {
  engine: BenchEngine;
  /** Plays the build-data repository (answers `pipelinerun.queued` with a version) and taps the events. */
  peers: Peers;
  /** Scratch directory for task workspaces and the engine's log. */
  dir: string;
  close(): Promise<void>;
}

/** A fresh database and topic prefix on the test services, the engine process on them, and its peers. */
export async function startBench(name: string, env: Record<string, string> = {}): Promise<BenchSetup> {
  const [{ brokers }, database]: [{ brokers: string[] }, PostgresService] = await Promise.all([kafka(), postgres()]);
  const prefix = topicPrefix();
  const dir = await mkdtemp(join(tmpdir(), `engine-bench-${name}-`));
  const peers = await Peers.open(brokers, prefix);
  try {
    const engine = await BenchEngine.start(
      { DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, ...env },
      dir,
    );
    return {
      engine,
      peers,
      dir,
      close: async () => {
        await engine.stop();
        await peers.close();
        await database.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await peers.close();
    await database.drop();
    throw error;
  }
}
