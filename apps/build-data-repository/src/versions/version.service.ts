import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { VERSION_ALLOCATED, VersionAllocated, newCDEvent } from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import type { EntityManager, Repository } from 'typeorm';
import type { RegisteredComponent } from '../components/component.service';
import { toPage, type Page } from '../pagination/cursor';
import { toVersionResponse, type ListVersionsQuery, type VersionResponse, type VersionResponseRow } from './version.dto';
import { VersionCounter } from './version-counter.entity';
import { seriesFor, versionSql } from './version-scheme';
import { Version } from './version.entity';

export interface AllocationRequest {
  component: RegisteredComponent;
  /** The run the version is for; null for tools outside Pipewright that have none. */
  runId: string | null;
  revision: string | null;
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
   * counter row and recorded in the caller's transaction. The counter row stays locked until that
   * transaction ends, so concurrent allocations get consecutive, distinct numbers; a transaction that
   * rolls back takes its increment with it, so no committed version is ever reused and none is skipped.
   * A run that already has a version keeps it (`created: false`).
   */
  async allocate(manager: EntityManager, request: AllocationRequest): Promise<{ version: Version; created: boolean }> {
    if (request.runId !== null) {
      // Two allocations for one run (a tool retrying, a redelivery) must not both miss the lookup below.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`version-of-run:${request.runId}`]);
      const existing = await manager.findOneBy(Version, { runId: request.runId });
      if (existing) return { version: existing, created: false };
    }
    const { component } = request;
    const series = seriesFor(component);
    const counters = manager.connection.getMetadata(VersionCounter).tablePath;
    const versions = manager.connection.getMetadata(Version).tablePath;
    for (;;) {
      // One statement: the counter row is locked from the increment to the commit, and nothing else
      // (no round trip to this process) happens in between. allocated_at defaults to clock_timestamp(),
      // taken after the lock, so times follow the numbers.
      const [row] = await manager.query<{ version: string; number: string; allocated_at: Date }[]>(
        `WITH counter AS (
           INSERT INTO ${counters} AS counter (component, series, last) VALUES ($1, $2, 1)
           ON CONFLICT (component, series) DO UPDATE SET last = counter.last + 1
           RETURNING last
         )
         INSERT INTO ${versions} (component, version, scheme, series, number, run_id, revision)
         SELECT $1, ${versionSql('counter.last', '$3::text', '$4::text')}, $3, $2, counter.last, $5, $6 FROM counter
         ON CONFLICT (component, version) DO NOTHING
         RETURNING version, number, allocated_at`,
        [component.name, series, component.versionScheme, component.versionPattern, request.runId, request.revision],
      );
      // Taken by another series (e.g. 1.0.0 from <n>.0.0 and from 1.<n>.0): skip it rather than hand it out twice.
      if (!row) continue;
      const version = manager.create(Version, {
        component: component.name,
        version: row.version,
        scheme: component.versionScheme,
        series,
        number: Number(row.number),
        runId: request.runId,
        revision: request.revision,
        allocatedAt: row.allocated_at,
      });
      return { version, created: true };
    }
  }

  /**
   * The run's version, allocated if it has none, and announced (`VersionAllocated`) in the caller's
   * transaction. Announced again when the run already had one: its queued event was published again,
   * and the run may still be waiting for the answer.
   */
  async allocateForRun(
    manager: EntityManager,
    request: AllocationRequest & { runId: string },
  ): Promise<Version> {
    const { version } = await this.allocate(manager, request);
    await this.announce(manager, version, request.runId);
    return version;
  }

  /** Newest first. */
  async listForComponent(component: string, query: ListVersionsQuery): Promise<Page<VersionResponse>> {
    const [allocatedAt, version] = query.cursor ?? [null, null];
    const rows = await this.versions.query<(VersionResponseRow & { key: string })[]>(
      `SELECT component, version, run_id AS "runId", revision, allocated_at AS "allocatedAt", allocated_at::text AS key
       FROM ${this.versions.metadata.tablePath}
       WHERE component = $1 AND ($2::timestamptz IS NULL OR (allocated_at, version) < ($2::timestamptz, $3::text))
       ORDER BY allocated_at DESC, version DESC
       LIMIT $4`,
      [component, allocatedAt, version, query.limit + 1],
    );
    return toPage(rows, query.limit, (row) => [row.key, row.version], toVersionResponse);
  }

  async announce(manager: EntityManager, version: Version, runId: string): Promise<void> {
    const event = newCDEvent(
      VERSION_ALLOCATED,
      this.bus.source,
      {
        id: `${version.component}@${version.version}`,
        source: this.bus.source,
        content: {
          component: version.component,
          version: version.version,
          runId,
          ...(version.revision === null ? {} : { revision: version.revision }),
        },
      },
      {},
    );
    await this.outbox.publish(manager, VersionAllocated, event);
  }
}
