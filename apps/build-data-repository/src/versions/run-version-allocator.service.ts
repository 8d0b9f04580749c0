import { Injectable } from '@nestjs/common';
import { VersionAllocated } from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { RegisteredComponent } from '../components/component.service';
import { Run } from '../runs/run.entity';
import { VERSION_STAND_IN, filledInAnnouncementSql, subjectIdSql, versionAllocatedEvent } from './version-announcement';
import { VersionCounter } from './version-counter.entity';
import { seriesFor, versionSql } from './version-scheme';
import { Version } from './version.entity';

export interface RunToVersion {
  runId: string;
  revision: string | null;
}

/** A run that wants a version of its component. */
export interface ComponentRun extends RunToVersion {
  component: RegisteredComponent;
}

/** Runs locked for allocation (`lockRuns`), with the versions some of them already have. */
export interface LockedRuns {
  /** Run id -> the version it already has. */
  versions: ReadonlyMap<string, string>;
}

/** An allocated run, or (run_id null) the row of the relay's wake-up. */
interface AllocatedRow {
  run_id: string | null;
}

/**
 * VersionService.allocateForRun for many runs of many components at once, in two steps that suit
 * ingestion, which queues runs by the thousand: each component's counter row stays locked from the
 * allocation to the commit, and ingesting transactions allocate one after another (in their event-log
 * turn). So the part that waits for nothing happens first (`lockRuns`), and the part under the counter
 * locks is ONE statement (`allocateForRuns`): no round trip to this process while a counter is held.
 * Same guarantees: a run that has a version keeps it, new runs of a component get consecutive numbers
 * (in the order given), every run's version is recorded on its run row and announced in the caller's
 * transaction.
 */
@Injectable()
export class RunVersionAllocator {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /**
   * Locks `runIds` against allocation by other transactions until the caller's commit (two allocations for
   * one run, e.g. a queued event read twice during a rebalance, must not both miss their version), then
   * reads the versions they already have. Takes no counter lock, so it can run while other transactions
   * allocate.
   */
  async lockRuns(manager: EntityManager, runIds: readonly string[]): Promise<LockedRuns> {
    const ids = [...new Set(runIds)].sort(); // sorted: two transactions locking some of the same runs take one order
    if (ids.length === 0) return { versions: new Map() };
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('version-of-run:' || id, 0)) FROM unnest($1::text[]) AS id`,
      [ids],
    );
    // A statement of its own: its snapshot, taken after the locks, sees every version committed under them.
    const rows = await manager.query<{ run_id: string; version: string }[]>(
      `SELECT run_id, version FROM ${table(manager, Version)} WHERE run_id = ANY($1::text[])`,
      [ids],
    );
    return { versions: new Map(rows.map((row) => [row.run_id, row.version])) };
  }

  /**
   * Gives each run of `requests` (locked by `lockRuns` in this transaction) its version: the one it has, or
   * the next of its component's counter, new runs of a component numbered in the order given. Records it on
   * the run row and announces it (`VersionAllocated`, one per request, in order: a run queued twice is
   * answered twice, with its one version).
   */
  async allocateForRuns(manager: EntityManager, requests: readonly ComponentRun[], locked: LockedRuns): Promise<void> {
    if (requests.length === 0) return;
    const versioned = new Set<string>();
    const byComponent = new Map(requests.map((r) => [r.component.name, r.component]));
    // Announcements validated now, with a stand-in for versions not yet allocated: the statement fills them in.
    const announcements = requests.map((run) => ({ component: run.component.name, run }));
    const prepared = this.outbox.prepare(
      manager,
      VersionAllocated,
      announcements.map(({ component, run }) =>
        versionAllocatedEvent(
          this.bus.source,
          { component, version: VERSION_STAND_IN, revision: run.revision, requestedBy: null },
          run.runId,
        ),
      ),
    );
    let pending = announcements.map((announcement, i) => ({ ...announcement, message: prepared.rows[i]! }));
    let had = locked.versions;
    while (pending.length > 0) {
      // Per component, its runs without a version, each once, in the order given; sorted by component:
      // concurrent transactions take counter rows in one order.
      const missing = new Map<string, Map<string, RunToVersion>>();
      for (const { component, run } of pending) {
        if (had.has(run.runId)) continue;
        const runs = missing.get(component) ?? new Map<string, RunToVersion>();
        if (!runs.has(run.runId)) runs.set(run.runId, run);
        missing.set(component, runs);
      }
      const components = [...missing.keys()].sort();
      const runs = components.flatMap((name) =>
        [...missing.get(name)!.values()].map(({ runId, revision }, i) => ({
          component: name,
          runId,
          revision,
          ordinal: i + 1,
        })),
      );
      const componentOf = new Map(pending.map((a) => [a.run.runId, a.component]));
      const existing = [...componentOf.keys()].filter((id) => had.has(id));
      const rows = await manager.query<AllocatedRow[]>(
        `WITH wanted AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[])
             AS wanted(component, series, scheme, pattern, n)
         ), counter AS (
           INSERT INTO ${table(manager, VersionCounter)} AS counter (component, series, last)
           SELECT component, series, n FROM wanted ORDER BY component
           ON CONFLICT (component, series) DO UPDATE SET last = counter.last + EXCLUDED.last
           RETURNING component, last
         ), allocated AS (
           INSERT INTO ${table(manager, Version)} (component, version, scheme, series, number, run_id, revision)
           SELECT run.component, ${versionSql('counter.last - wanted.n + run.ordinal', 'wanted.scheme', 'wanted.pattern')},
                  wanted.scheme, wanted.series, counter.last - wanted.n + run.ordinal, run.run_id, run.revision
           FROM unnest($6::text[], $7::text[], $8::text[], $9::integer[]) AS run(component, run_id, revision, ordinal)
           JOIN wanted USING (component)
           JOIN counter USING (component)
           ON CONFLICT (component, version) DO NOTHING
           RETURNING component, run_id, version
         ), versioned AS (
           SELECT run_id, version, ${subjectIdSql('component', 'version')} AS subject_id
           FROM (
             SELECT component, run_id, version FROM allocated
             UNION ALL
             SELECT * FROM unnest($10::text[], $11::text[], $12::text[]) AS had(component, run_id, version)
           ) AS each_run
         ), recorded AS (
           UPDATE ${table(manager, Run)} AS run SET version = versioned.version, updated_at = now()
           FROM versioned WHERE run.id = versioned.run_id
         ), announced AS (
           INSERT INTO ${prepared.table}
             (message_id, topic, partition_key, type, source, subject, payload, traceparent, tracestate)
           SELECT message.id, message.topic, message.partition_key, message.type, sender.source, versioned.subject_id,
                  ${filledInAnnouncementSql('message.payload', 'versioned.subject_id', 'versioned.version')},
                  message.traceparent, message.tracestate
           FROM unnest($13::uuid[], $14::text[], $15::text[], $16::text[], $17::text[], $18::jsonb[], $19::text[], $20::text[])
             WITH ORDINALITY AS message(id, run_id, topic, partition_key, type, payload, traceparent, tracestate, position)
           JOIN versioned USING (run_id)
           CROSS JOIN (SELECT $21::text AS source) AS sender
           ORDER BY message.position
           RETURNING 1
         )
         SELECT run_id FROM allocated
         UNION ALL
         SELECT NULL FROM (SELECT pg_notify($22, '') FROM announced LIMIT 1) AS woken`,
        [
          components,
          components.map((name) => seriesFor(byComponent.get(name)!)),
          components.map((name) => byComponent.get(name)!.versionScheme),
          components.map((name) => byComponent.get(name)!.versionPattern),
          components.map((name) => missing.get(name)!.size),
          runs.map((r) => r.component),
          runs.map((r) => r.runId),
          runs.map((r) => r.revision),
          runs.map((r) => r.ordinal),
          existing.map((id) => componentOf.get(id)!),
          existing,
          existing.map((id) => had.get(id)!),
          pending.map((a) => a.message.messageId),
          pending.map((a) => a.run.runId),
          pending.map((a) => a.message.topic),
          pending.map((a) => a.message.partitionKey),
          pending.map((a) => a.message.type),
          pending.map((a) => JSON.stringify(a.message.payload)),
          pending.map((a) => a.message.traceparent),
          pending.map((a) => a.message.tracestate),
          this.bus.source,
          prepared.channel,
        ],
      );
      for (const id of existing) versioned.add(id);
      for (const row of rows) if (row.run_id !== null) versioned.add(row.run_id);
      // Versions another series already handed out were skipped (see VersionService.allocate): those runs are
      // neither recorded nor announced yet; try them again. Runs that have their version are done.
      pending = pending.filter((a) => !versioned.has(a.run.runId));
      had = new Map();
    }
  }
}

function table(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): string {
  return manager.connection.getMetadata(entity).tablePath;
}
