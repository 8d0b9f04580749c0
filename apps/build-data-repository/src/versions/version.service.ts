import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { VersionAllocated } from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import type { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { Component } from '../components/component.entity';
import { ComponentNotFound } from '../components/component.errors';
import { toPage, type Page } from '../pagination/cursor';
import {
  toVersionResponse,
  type ListVersionsQuery,
  type VersionResponse,
  type VersionResponseRow,
} from './version.dto';
import { VERSION_STAND_IN, filledInAnnouncementSql, subjectIdSql, versionAllocatedEvent } from './version-announcement';
import { VersionCounter } from './version-counter.entity';
import { seriesSql, versionSql, type VersionScheme } from './version-scheme';
import { Version } from './version.entity';

export interface AllocationRequest {
  /** Its version scheme is read by the allocating statement itself. */
  component: { name: string };
  /** The run the version is for; null for tools outside Pipewright that have none. */
  runId: string | null;
  revision: string | null;
  /** Who or what asked for it over HTTP; null for runs' versions. */
  requestedBy?: string | null;
}

@Injectable()
export class VersionService {
  constructor(
    @InjectRepository(Version) private readonly versions: Repository<Version>,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /**
   * The next version of the component's current series, taken by one atomic increment of the series'
   * counter row, recorded and announced (`VersionAllocated`) in the caller's transaction. The counter row
   * stays locked until that transaction ends, so concurrent allocations get consecutive, distinct numbers;
   * a transaction that rolls back takes its increment with it, so no committed version is ever reused and
   * none is skipped. A run that already has a version keeps it (`created: false`) and is not announced again.
   * Without a run it is one statement: outside a transaction (`dataSource.manager`) it commits on its own.
   * @throws ComponentNotFound
   */
  async allocate(manager: EntityManager, request: AllocationRequest): Promise<{ version: Version; created: boolean }> {
    if (request.runId !== null) {
      // Two allocations for one run (a tool retrying, a redelivery) must not both miss the lookup below.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`version-of-run:${request.runId}`]);
      const existing = await manager.findOneBy(Version, { runId: request.runId });
      if (existing) return { version: existing, created: false };
    }
    const component = request.component.name;
    const requestedBy = request.requestedBy ?? null;
    // Validated here, before the counter is locked, with a stand-in for the version: the statement fills it in.
    const outbox = this.outbox.prepare(manager, VersionAllocated, [
      versionAllocatedEvent(
        this.bus.source,
        { component, version: VERSION_STAND_IN, revision: request.revision, requestedBy },
        request.runId,
      ),
    ]);
    const message = outbox.rows[0]!;
    const table = (entity: EntityTarget<ObjectLiteral>) => manager.connection.getMetadata(entity).tablePath;
    for (;;) {
      // One statement reads the component's scheme, takes the number, records the version and announces it:
      // the counter row is locked from the increment to the commit, and nothing else (no round trip to this
      // process) happens in between. allocated_at defaults to clock_timestamp(), taken after the lock, so
      // times follow the numbers.
      const [row] = await manager.query<AllocatedRow[]>(
        `WITH component AS (
           SELECT name, version_scheme AS scheme, version_pattern AS pattern,
                  ${seriesSql('version_scheme', 'version_pattern')} AS series
           FROM ${table(Component)} WHERE name = $1
         ), counter AS (
           INSERT INTO ${table(VersionCounter)} AS counter (component, series, last)
           SELECT name, series, 1 FROM component
           ON CONFLICT (component, series) DO UPDATE SET last = counter.last + 1
           RETURNING last
         ), allocated AS (
           INSERT INTO ${table(Version)} (component, version, scheme, series, number, run_id, revision, requested_by)
           SELECT name, ${versionSql('counter.last', 'scheme', 'pattern')}, scheme, series, counter.last, $2, $3, $4
           FROM component, counter
           ON CONFLICT (component, version) DO NOTHING
           RETURNING version, scheme, series, number, allocated_at, ${subjectIdSql('component', 'version')} AS subject_id
         ), announced AS (
           INSERT INTO ${outbox.table}
             (message_id, topic, partition_key, type, source, subject, payload, traceparent, tracestate)
           SELECT $5::uuid, $6, $7, $8, $9, subject_id,
                  ${filledInAnnouncementSql('$10::jsonb', 'subject_id', 'version')},
                  $11, $12
           FROM allocated
         )
         SELECT version, scheme, series, number, allocated_at, pg_notify($13, '') FROM allocated`,
        [
          component,
          request.runId,
          request.revision,
          requestedBy,
          message.messageId,
          message.topic,
          message.partitionKey,
          message.type,
          message.source,
          message.payload,
          message.traceparent,
          message.tracestate,
          outbox.channel,
        ],
      );
      if (row) {
        const version = manager.create(Version, {
          component,
          version: row.version,
          scheme: row.scheme,
          series: row.series,
          number: Number(row.number),
          runId: request.runId,
          revision: request.revision,
          requestedBy,
          allocatedAt: row.allocated_at,
        });
        return { version, created: true };
      }
      // Nothing recorded nor announced (the prepared message is still unused): the component is unknown, or
      // the version was taken by another series (e.g. 1.0.0 from <n>.0.0 and from 1.<n>.0): skip it rather
      // than hand it out twice.
      if (!(await manager.existsBy(Component, { name: component }))) throw new ComponentNotFound(component);
    }
  }

  /**
   * The run's version, allocated if it has none, and announced (`VersionAllocated`) in the caller's
   * transaction. Announced again when the run already had one: its queued event was published again,
   * and the run may still be waiting for the answer.
   */
  async allocateForRun(manager: EntityManager, request: AllocationRequest & { runId: string }): Promise<Version> {
    const { version, created } = await this.allocate(manager, request);
    if (!created) await this.announce(manager, version, request.runId);
    return version;
  }

  /** Newest first. */
  async listForComponent(component: string, query: ListVersionsQuery): Promise<Page<VersionResponse>> {
    const [allocatedAt, version] = query.cursor ?? [null, null];
    const rows = await this.versions.query<(VersionResponseRow & { key: string })[]>(
      `SELECT component, version, run_id AS "runId", revision, requested_by AS "requestedBy", allocated_at AS "allocatedAt",
              allocated_at::text AS key
       FROM ${this.versions.metadata.tablePath}
       WHERE component = $1 AND ($2::timestamptz IS NULL OR (allocated_at, version) < ($2::timestamptz, $3::text))
       ORDER BY allocated_at DESC, version DESC
       LIMIT $4`,
      [component, allocatedAt, version, query.limit + 1],
    );
    return toPage(rows, query.limit, (row) => [row.key, row.version], toVersionResponse);
  }

  /** `runId` null: allocated for a tool outside Pipewright, announced keyed by component. */
  async announce(manager: EntityManager, version: Version, runId: string | null): Promise<void> {
    await this.announceMany(manager, [{ version, runId }]);
  }

  /** `VersionAllocated` for each of `allocations`, written to the outbox in one statement. */
  async announceMany(
    manager: EntityManager,
    allocations: readonly { version: Version; runId: string | null }[],
  ): Promise<void> {
    const events = allocations.map(({ version, runId }) => versionAllocatedEvent(this.bus.source, version, runId));
    await this.outbox.publishMany(manager, VersionAllocated, events);
  }
}

interface AllocatedRow {
  version: string;
  scheme: VersionScheme;
  series: string;
  number: string;
  allocated_at: Date;
}
