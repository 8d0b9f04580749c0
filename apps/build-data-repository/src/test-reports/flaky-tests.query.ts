import type { EntityManager } from 'typeorm';
import { Run } from '../runs/run.entity';
import { TestCase } from './test-case.entity';
import { TestReport } from './test-report.entity';

export interface FlakyTest {
  classname: string | null;
  name: string;
  revision: string;
  passed: number;
  failed: number;
  /** Times it failed and then passed when the test tool reran it (Surefire/Gradle), within `passed`. */
  passedOnRerun: number;
  /** The runs it was seen in, passing or failing. */
  runIds: string[];
  lastSeenAt: Date;
}

export interface FlakyTestFilter {
  component: string;
  /** Only these revisions (all when omitted). */
  revisions?: readonly string[];
  since?: Date;
  limit?: number;
}

/**
 * Tests that both passed and failed (or errored) for the same revision, across runs and attempts, or
 * passed only when the test tool reran them: the code did not change, so the verdict did not come from
 * the code. A test is its classname and name. The
 * revision is the report's own, else its run's. Skipped cases say nothing either way.
 */
export async function findFlakyTests(manager: EntityManager, filter: FlakyTestFilter): Promise<FlakyTest[]> {
  const reports = manager.connection.getMetadata(TestReport).tablePath;
  const cases = manager.connection.getMetadata(TestCase).tablePath;
  const runs = manager.connection.getMetadata(Run).tablePath;
  const rows = await manager.query<
    {
      classname: string | null;
      name: string;
      revision: string;
      passed: number;
      failed: number;
      passed_on_rerun: number;
      run_ids: string[];
      last_seen_at: Date;
    }[]
  >(
    `WITH seen AS (
       SELECT c.classname, c.name, c.status, c.flaky, COALESCE(r.revision, run.revision) AS revision, r.run_id, r.finished_at
       FROM ${cases} c
       JOIN ${reports} r ON r.id = c.report_id
       LEFT JOIN ${runs} run ON run.id = r.run_id
       WHERE r.component = $1 AND c.status <> 'skipped' AND ($3::timestamptz IS NULL OR r.finished_at >= $3)
     )
     SELECT classname, name, revision,
            count(*) FILTER (WHERE status = 'passed')::int AS passed,
            count(*) FILTER (WHERE status IN ('failed', 'error'))::int AS failed,
            count(*) FILTER (WHERE flaky)::int AS passed_on_rerun,
            array_agg(DISTINCT run_id ORDER BY run_id) AS run_ids,
            max(finished_at) AS last_seen_at
     FROM seen
     WHERE revision IS NOT NULL AND ($2::text[] IS NULL OR revision = ANY($2))
     GROUP BY classname, name, revision
     HAVING (count(*) FILTER (WHERE status = 'passed') > 0 AND count(*) FILTER (WHERE status IN ('failed', 'error')) > 0)
         OR bool_or(flaky)
     ORDER BY last_seen_at DESC, classname, name
     LIMIT $4`,
    [filter.component, filter.revisions ?? null, filter.since ?? null, filter.limit ?? null],
  );
  return rows.map((row) => ({
    classname: row.classname,
    name: row.name,
    revision: row.revision,
    passed: row.passed,
    failed: row.failed,
    passedOnRerun: row.passed_on_rerun,
    runIds: row.run_ids,
    lastSeenAt: row.last_seen_at,
  }));
}

/** Identifies a test at a revision, to look cases up among flaky tests. */
export function flakyKey(revision: string | null, classname: string | null, name: string): string {
  return JSON.stringify([revision, classname, name]);
}
