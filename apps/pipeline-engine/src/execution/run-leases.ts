import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import { SCHEMA, type EngineConfig } from '../config/env';
import { SharedWakeups, type WakeupSubscription } from '../database/wakeups';
import { Run } from '../runs/run.entity';

// Statements that return updated rows are wrapped in `WITH ... SELECT`: TypeORM answers a bare UPDATE with [rows, count].

/** Runs some instance should be executing: running, or queued with their version (about to start). */
const EXECUTABLE = `(status = 'running' OR (status = 'queued' AND version IS NOT NULL))`;

const RELEASED = 'released';

/** Who asked to cancel a run, and why (the run's columns). */
export type CancelRequest = Pick<Run, 'cancelRequestedBy' | 'cancelReason'>;

/** A run whose lease this instance has just taken, and whether that started it (it was queued). */
export interface TakenRun {
  run: Run;
  wasQueued: boolean;
}

/**
 * Who executes which run, with Postgres as the only arbiter: a run is executed by the instance holding
 * its lease (`runs.lease_owner` until `lease_expires_at`, in database time). An instance takes a lease
 * that is free, expired or already its own, renews those it holds, and gives them back when it stops.
 */
@Injectable()
export class RunLeases implements OnModuleInit, OnApplicationShutdown {
  /** This instance's id on the leases it holds. */
  readonly owner: string;
  readonly seconds: number;
  /** Leases given back by an instance that stops: every instance hears of it, to take the runs over at once. */
  private readonly releases: SharedWakeups;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
  ) {
    this.owner = config.PIPEWRIGHT_ENGINE_INSTANCE_ID;
    this.seconds = config.PIPEWRIGHT_ENGINE_LEASE_SECONDS;
    this.releases = new SharedWakeups(dataSource, `${SCHEMA}_run_leases_released`);
  }

  onModuleInit(): Promise<void> {
    return this.releases.listen();
  }

  onApplicationShutdown(): Promise<void> {
    return this.releases.close();
  }

  /** Wakes when some instance gave leases back (`release` with `announce`). */
  subscribeToReleases(): WakeupSubscription {
    return this.releases.subscribe(RELEASED);
  }

  get ms(): number {
    return this.seconds * 1000;
  }

  /**
   * Takes the run's lease in the caller's transaction and makes it running (from `startedAt` if it
   * was queued): one statement, which locks the row until the caller commits. Undefined when the run
   * is not to be executed (finished, no version yet) or another live instance holds it.
   */
  async take(manager: EntityManager, runId: string, startedAt: Date): Promise<TakenRun | undefined> {
    const rows = await manager.query<Record<string, unknown>[]>(
      `WITH previous AS (SELECT id, status FROM runs WHERE id = $1 FOR UPDATE),
       taken AS (
         UPDATE runs r
            SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
                status = 'running', started_at = COALESCE(r.started_at, $4)
           FROM previous p
          WHERE r.id = p.id AND r.version IS NOT NULL AND r.status IN ('queued', 'running')
            AND (r.lease_owner IS NULL OR r.lease_owner = $2 OR r.lease_expires_at < now())
         RETURNING r.*, p.status AS previous_status)
       SELECT * FROM taken`,
      [runId, this.owner, this.seconds, startedAt],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { run: entityOf(manager, Run, row), wasQueued: row.previous_status === 'queued' };
  }

  /**
   * Takes the leases of up to `limit` runs that nobody alive executes (no lease, or an expired one), and
   * with `own` also those this instance id held before it restarted; returns their ids. Rows another
   * instance is taking at the same moment are skipped, not waited for.
   */
  async takeOrphans(limit: number, own: boolean): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH taken AS (
         UPDATE runs SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2)
          WHERE id IN (
            SELECT id FROM runs
             WHERE ${EXECUTABLE}
               AND (lease_owner IS NULL OR lease_expires_at < now() OR ($3 AND lease_owner = $1))
             ORDER BY created_at
             LIMIT $4
               FOR UPDATE SKIP LOCKED)
         RETURNING id)
       SELECT id FROM taken`,
      [this.owner, this.seconds, own, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Extends the leases this instance still holds among `runIds`: returns those (the others were taken
   * over), and who asked to cancel which of them, and why.
   */
  async renew(runIds: readonly string[]): Promise<{ held: Set<string>; cancelRequested: Map<string, CancelRequest> }> {
    if (runIds.length === 0) return { held: new Set(), cancelRequested: new Map() };
    const rows = await this.dataSource.query<
      { id: string; cancel: boolean; cancel_requested_by: string | null; cancel_reason: string | null }[]
    >(
      `WITH renewed AS (
         UPDATE runs SET lease_expires_at = now() + make_interval(secs => $2)
          WHERE lease_owner = $1 AND id = ANY($3::uuid[])
         RETURNING id, cancel_requested_at IS NOT NULL AS cancel, cancel_requested_by, cancel_reason)
       SELECT * FROM renewed`,
      [this.owner, this.seconds, runIds],
    );
    return {
      held: new Set(rows.map((row) => row.id)),
      cancelRequested: new Map(
        rows
          .filter((row) => row.cancel)
          .map((row) => [row.id, { cancelRequestedBy: row.cancel_requested_by, cancelReason: row.cancel_reason }]),
      ),
    };
  }

  /**
   * Gives the leases back (those still this instance's), so any instance may take the runs at once;
   * with `announce` (runs left unfinished), every instance is told to look for them now.
   */
  async release(runIds: readonly string[], announce = false): Promise<void> {
    if (runIds.length === 0) return;
    const release = (manager: EntityManager) =>
      manager.query<{ id: string }[]>(
        `WITH released AS (
           UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL
            WHERE lease_owner = $1 AND id = ANY($2::uuid[])
           RETURNING id)
         SELECT id FROM released`,
        [this.owner, runIds],
      );
    if (!announce) {
      await release(this.dataSource.manager);
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      if ((await release(manager)).length > 0) await this.releases.notify(manager, RELEASED);
    });
  }

  /**
   * SQL condition (for a statement's WHERE) that holds while this instance holds the run's lease; it
   * share-locks the run's row, so a takeover waits until the caller's transaction is over and a writer
   * whose lease was taken finds nothing to write. Parameters: `leaseRunId`, `leaseOwner`.
   */
  fence(runId: string): { condition: string; parameters: Record<string, string> } {
    return {
      condition: 'EXISTS (SELECT 1 FROM runs WHERE id = :leaseRunId AND lease_owner = :leaseOwner FOR SHARE)',
      parameters: { leaseRunId: runId, leaseOwner: this.owner },
    };
  }

  /** The fence as a statement of its own, for a transaction that writes no row a condition could go on. */
  async holds(manager: EntityManager, runId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>('SELECT 1 FROM runs WHERE id = $1 AND lease_owner = $2 FOR SHARE', [
      runId,
      this.owner,
    ]);
    return rows.length > 0;
  }
}

/** An entity from a raw row of its table (what `RETURNING *` gives), converted as TypeORM would. */
function entityOf<T extends object>(manager: EntityManager, target: new () => T, row: Record<string, unknown>): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns)
    column.setEntityValue(entity, manager.connection.driver.prepareHydratedValue(row[column.databaseName], column));
  return entity;
}
