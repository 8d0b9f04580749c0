import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { assertVersionExists } from '../versions/known-version';
import { RunNotFound } from '../runs/run.errors';
import { Run } from '../runs/run.entity';
import { findFlakyTests, flakyKey, type FlakyTest } from './flaky-tests.query';
import { TestCase } from './test-case.entity';
import {
  toReportView,
  toSuiteView,
  totalOf,
  type RunTestReportsResponse,
  type TestReportView,
  type VersionTestReportsResponse,
} from './test-report.dto';
import { TestReport } from './test-report.entity';
import { TestSuite } from './test-suite.entity';

/** Test results as people read them: per run with every case, per version as suite counts, flaky tests. */
@Injectable()
export class TestReportQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly components: ComponentService,
  ) {}

  /**
   * Every report of the run with its suites and cases; a case is flagged flaky when the same test passed
   * and failed for the run's revision.
   * @throws RunNotFound when the run is unknown and has no reports
   */
  async forRun(runId: string): Promise<RunTestReportsResponse> {
    const manager = this.dataSource.manager;
    const [run, stored] = await Promise.all([
      manager.findOneBy(Run, { id: runId }),
      manager.find(TestReport, { where: { runId }, order: { finishedAt: 'ASC', id: 'ASC' } }),
    ]);
    if (!run && stored.length === 0) throw new RunNotFound(runId);
    // Results may be stored before their run: what their event did not say, the run does.
    const reports = stored.map((report) => ({
      ...report,
      version: report.version ?? run?.version ?? null,
      revision: report.revision ?? run?.revision ?? null,
    }));
    const ids = reports.map((r) => r.id);
    const [suites, cases, flaky] = await Promise.all([
      manager.find(TestSuite, { where: { reportId: In(ids) }, order: { position: 'ASC' } }),
      manager.find(TestCase, { where: { reportId: In(ids) }, order: { suitePosition: 'ASC', position: 'ASC' } }),
      this.flakyAmong(reports),
    ]);
    const casesBySuite = groupBy(cases, (c) => `${c.reportId}/${c.suitePosition}`);
    const suitesByReport = groupBy(suites, (s) => s.reportId);
    const views = reports.map((report) =>
      toReportView(
        report,
        (suitesByReport.get(report.id) ?? []).map((suite) =>
          toSuiteView(
            suite,
            (casesBySuite.get(`${report.id}/${suite.position}`) ?? []).map((c) => ({
              name: c.name,
              classname: c.classname,
              status: c.status,
              durationMs: c.durationMs,
              message: c.message,
              flaky: c.flaky || flaky.has(flakyKey(report.revision, c.classname, c.name)),
              reruns: c.reruns,
              failedAttempts: c.failedAttempts,
            })),
          ),
        ),
      ),
    );
    return { runId, summary: totalOf(views), reports: views };
  }

  /**
   * The reports of every run that built the version, with per-suite counts.
   * @throws ComponentNotFound, VersionNotFound
   */
  async forVersion(component: string, version: string): Promise<VersionTestReportsResponse> {
    await this.components.get(component);
    await assertVersionExists(this.dataSource.manager, component, version);
    const reports = await this.dataSource.manager
      .createQueryBuilder(TestReport, 'report')
      .leftJoin(Run, 'run', 'run.id = report.run_id')
      .where('report.component = :component', { component })
      // A report recorded before its run's version was known gets it from the run.
      .andWhere('COALESCE(report.version, run.version) = :version', { version })
      .orderBy('report.finished_at', 'ASC')
      .addOrderBy('report.id', 'ASC')
      .getMany();
    const [suites, runs] = await Promise.all([
      this.dataSource.manager.find(TestSuite, {
        where: { reportId: In(reports.map((r) => r.id)) },
        order: { position: 'ASC' },
      }),
      this.dataSource.manager.findBy(Run, { id: In(reports.map((r) => r.runId)) }),
    ]);
    const suitesByReport = groupBy(suites, (s) => s.reportId);
    const revisionOf = new Map(runs.map((run) => [run.id, run.revision]));
    const views: TestReportView[] = reports.map((report) =>
      toReportView(
        { ...report, version, revision: report.revision ?? revisionOf.get(report.runId) ?? null },
        (suitesByReport.get(report.id) ?? []).map((suite) => toSuiteView(suite)),
      ),
    );
    return { component, version, summary: totalOf(views), reports: views };
  }

  /** @throws ComponentNotFound */
  async flakyTests(component: string, options: { since?: Date; limit: number }): Promise<FlakyTest[]> {
    await this.components.get(component);
    return findFlakyTests(this.dataSource.manager, { component, ...options });
  }

  private async flakyAmong(reports: TestReport[]): Promise<Set<string>> {
    const keys = new Set<string>();
    const byComponent = new Map<string, string[]>();
    for (const { component, revision } of reports) {
      if (revision !== null) byComponent.set(component, [...(byComponent.get(component) ?? []), revision]);
    }
    for (const [component, revisions] of byComponent) {
      const flaky = await findFlakyTests(this.dataSource.manager, { component, revisions: [...new Set(revisions)] });
      for (const test of flaky) keys.add(flakyKey(test.revision, test.classname, test.name));
    }
    return keys;
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
