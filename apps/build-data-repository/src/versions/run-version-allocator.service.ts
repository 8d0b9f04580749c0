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

/** Runs of one component that want a version. */
export interface ComponentRuns {
  component: RegisteredComponent;
  runs: readonly RunToVersion[];
}

interface AllocatedRow {
  component: string;
  run_id: string;
  version: string;
  scheme: Version['scheme'];
  series: string;
  number: string;
  revision: string | null;
  allocated_at: Date;
}

/**
 * VersionService.allocateForRun for many runs of many components at once, in a constant number of
 * statements: ingestion queues runs by the thousand, and each component's counter row stays locked from
 * the allocation to the commit, so the fewer round trips in between, the less other batches wait.
 * Same guarantees: a run that has a version keeps it, new runs of a component get consecutive numbers
 * (in the order given), every run's version is announced in the caller's transaction.
 */
@Injectable()
export class RunVersionAllocator {
  constructor(private readonly versions: VersionService) {}

  async allocateForRuns(manager: EntityManager, requests: readonly ComponentRuns[]): Promise<Map<string, Version>> {
    const runIds = [...new Set(requests.flatMap((r) => r.runs.map((run) => run.runId)))];
    if (runIds.length === 0) return new Map();
    // Sorted: two transactions locking some of the same runs take the locks in one order.
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('version-of-run:' || id, 0)) FROM unnest($1::text[]) AS id`,
      [[...runIds].sort()],
    );
    const allocated = new Map<string, Version>();
    for (const version of await manager.findBy(Version, { runId: In(runIds) })) {
      allocated.set(version.runId!, version);
    }
    // Per component, its runs without a version, each once, in the order given.
    let missing = requests.map(({ component, runs }) => ({
      component,
      runs: [...new Map(runs.filter((r) => !allocated.has(r.runId)).map((r) => [r.runId, r] as const)).values()],
    }));
    for (;;) {
      // Sorted by component: concurrent transactions take counter rows in one order.
      missing = missing.filter((m) => m.runs.length > 0).sort((a, b) => (a.component.name < b.component.name ? -1 : 1));
      if (missing.length === 0) break;
      for (const row of await this.allocateMissing(manager, missing)) {
        allocated.set(
          row.run_id,
          manager.create(Version, {
            component: row.component,
            version: row.version,
            scheme: row.scheme,
            series: row.series,
            number: Number(row.number),
            runId: row.run_id,
            revision: row.revision,
            allocatedAt: row.allocated_at,
          }),
        );
      }
      // Versions another series already handed out were skipped (see VersionService.allocate): try again.
      missing = missing.map((m) => ({ ...m, runs: m.runs.filter((r) => !allocated.has(r.runId)) }));
    }
    // One answer per request: a run queued twice is answered twice, with its one version.
    await this.versions.announceMany(
      manager,
      requests.flatMap(({ runs }) => runs.map((run) => ({ version: allocated.get(run.runId)!, runId: run.runId }))),
    );
    return allocated;
  }

  /**
   * One statement: each component's counter moves by its number of runs, and its runs take the numbers
   * in between, so counter rows are locked from the increment to the commit with no round trip between.
   */
  private async allocateMissing(manager: EntityManager, missing: readonly ComponentRuns[]): Promise<AllocatedRow[]> {
    const counters = manager.connection.getMetadata(VersionCounter).tablePath;
    const table = manager.connection.getMetadata(Version).tablePath;
    const runs = missing.flatMap(({ component, runs }) =>
      runs.map((run, i) => ({ component: component.name, ...run, ordinal: i + 1 })),
    );
    return manager.query<AllocatedRow[]>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[])
           AS wanted(component, series, scheme, pattern, n)
       ), counter AS (
         INSERT INTO ${counters} AS counter (component, series, last)
         SELECT component, series, n FROM wanted ORDER BY component
         ON CONFLICT (component, series) DO UPDATE SET last = counter.last + EXCLUDED.last
         RETURNING component, last
       )
       INSERT INTO ${table} (component, version, scheme, series, number, run_id, revision)
       SELECT run.component, ${versionSql('counter.last - wanted.n + run.ordinal', 'wanted.scheme', 'wanted.pattern')},
              wanted.scheme, wanted.series, counter.last - wanted.n + run.ordinal, run.run_id, run.revision
       FROM unnest($6::text[], $7::text[], $8::text[], $9::integer[]) AS run(component, run_id, revision, ordinal)
       JOIN wanted USING (component)
       JOIN counter USING (component)
       ON CONFLICT (component, version) DO NOTHING
       RETURNING component, run_id, version, scheme, series, number, revision, allocated_at`,
      [
        missing.map((m) => m.component.name),
        missing.map((m) => seriesFor(m.component)),
        missing.map((m) => m.component.versionScheme),
        missing.map((m) => m.component.versionPattern),
        missing.map((m) => m.runs.length),
        runs.map((r) => r.component),
        runs.map((r) => r.runId),
        runs.map((r) => r.revision),
        runs.map((r) => r.ordinal),
      ],
    );
  }
}
