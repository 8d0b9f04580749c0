import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { RegisteredComponent } from '../components/component.service';
import { VersionCounter } from './version-counter.entity';
import { seriesFor, versionSql } from './version-scheme';
import { Version } from './version.entity';
import { VersionService } from './version.service';

export interface RunToVersion {
  runId: string;
  revision: string | null;
}

/**
 * VersionService.allocateForRun for many runs of one component at once, in a constant number of
 * statements: ingestion queues runs by the thousand, and the component's counter row stays locked from
 * the allocation to the commit, so the fewer round trips in between, the less other batches wait.
 * Same guarantees: a run that has a version keeps it, new runs get consecutive numbers (in the order
 * given), every run's version is announced in the caller's transaction.
 */
@Injectable()
export class RunVersionAllocator {
  constructor(private readonly versions: VersionService) {}

  async allocateForRuns(
    manager: EntityManager,
    component: RegisteredComponent,
    runs: readonly RunToVersion[],
  ): Promise<Map<string, Version>> {
    const runIds = [...new Set(runs.map((r) => r.runId))];
    // Sorted: two transactions locking some of the same runs take the locks in one order.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('version-of-run:' || id, 0)) FROM unnest($1::text[]) AS id`,
      [[...runIds].sort()],
    );
    const allocated = new Map<string, Version>();
    for (const version of await manager.findBy(Version, { runId: In(runIds) })) {
      allocated.set(version.runId!, version);
    }
    let missing = runIds
      .filter((runId) => !allocated.has(runId))
      .map((runId) => runs.find((r) => r.runId === runId)!);
    const series = seriesFor(component);
    const counters = manager.connection.getMetadata(VersionCounter).tablePath;
    const table = manager.connection.getMetadata(Version).tablePath;
    while (missing.length > 0) {
      const rows = await manager.query<{ run_id: string; version: string; number: string; allocated_at: Date }[]>(
        `WITH counter AS (
           INSERT INTO ${counters} AS counter (component, series, last) VALUES ($1, $2, $5)
           ON CONFLICT (component, series) DO UPDATE SET last = counter.last + $5
           RETURNING last
         )
         INSERT INTO ${table} (component, version, scheme, series, number, run_id, revision)
         SELECT $1, ${versionSql('counter.last - $5 + run.n', '$3::text', '$4::text')}, $3, $2, counter.last - $5 + run.n,
                run.run_id, run.revision
         FROM counter, unnest($6::text[], $7::text[]) WITH ORDINALITY AS run(run_id, revision, n)
         ON CONFLICT (component, version) DO NOTHING
         RETURNING run_id, version, number, allocated_at`,
        [
          component.name,
          series,
          component.versionScheme,
          component.versionPattern,
          missing.length,
          missing.map((r) => r.runId),
          missing.map((r) => r.revision),
        ],
      );
      for (const row of rows) {
        allocated.set(
          row.run_id,
          manager.create(Version, {
            component: component.name,
            version: row.version,
            scheme: component.versionScheme,
            series,
            number: Number(row.number),
            runId: row.run_id,
            revision: missing.find((r) => r.runId === row.run_id)!.revision,
            allocatedAt: row.allocated_at,
          }),
        );
      }
      // Versions another series already handed out were skipped (see VersionService.allocate): try again.
      missing = missing.filter((r) => !allocated.has(r.runId));
    }
    // One answer per request: a run queued twice is answered twice, with its one version. Sent together:
    // the connection pipelines them, with no wait on this process between one and the next.
    await Promise.all(runs.map((run) => this.versions.announce(manager, allocated.get(run.runId)!, run.runId)));
    return allocated;
  }
}
