import { Injectable } from '@nestjs/common';
import {
  TESTSUITE_RUN_FINISHED,
  TEST_REPORT_XML_MAX_BYTES,
  TestSuiteRunFinished,
  newCDEvent,
  type Outcome,
  type TestSummary,
  timeOrderedUuid,
} from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { RunNotFound } from '../runs/run.errors';
import { Run } from '../runs/run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { flakyCount, parseJunitXml, summarize, type ParsedReport, type ParsedTestSuite } from './junit-parser';
import { InvalidJunitReport } from './test-report.errors';
import { TestCase } from './test-case.entity';
import { TestReport } from './test-report.entity';
import { TestSuite } from './test-suite.entity';

export type TestReportHeader = Omit<
  TestReport,
  'tests' | 'passed' | 'failed' | 'errors' | 'skipped' | 'flaky' | 'durationMs' | 'parseError' | 'receivedAt'
>;

export interface UploadOptions {
  taskName: string | null;
  environment: string;
}

const NO_TESTS: TestSummary = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0 };

/** The outcome a report stands for: any failed case fails it; a case that could not run makes it an error. */
export function outcomeOf(summary: TestSummary): Outcome {
  if (summary.failed > 0) return 'failure';
  if (summary.errors > 0) return 'error';
  return 'success';
}

/** Records JUnit reports, from test tasks' events and from tools outside Pipewright over HTTP. */
@Injectable()
export class TestReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /**
   * A test suite run finished. Its XML is parsed here; XML that cannot be read still records the report
   * (outcome, counts from the event's summary if any) with the reason, so the run's history stays whole.
   * A report already recorded (uploaded over HTTP, or published again) is left as it is.
   */
  async recordFinished(manager: EntityManager, event: TestSuiteRunFinished): Promise<void> {
    const data = event.customData;
    let parsed: ParsedReport | null = null;
    let parseError: string | null = null;
    if (data.junitXml !== undefined) {
      try {
        parsed = parseJunitXml(data.junitXml);
      } catch (error) {
        if (!(error instanceof InvalidJunitReport)) throw error;
        parseError = error.message;
      }
    }
    await this.store(
      manager,
      {
        id: event.subject.id,
        runId: data.runId,
        taskRunId: data.taskRunId ?? null,
        taskName: data.taskName ?? null,
        component: data.component,
        // When the producer did not say, readers take them from the run (which may be stored later).
        version: data.version ?? null,
        revision: data.revision ?? null,
        environment: event.subject.content.environment.id,
        outcome: event.subject.content.outcome,
        finishedAt: new Date(event.context.timestamp),
      },
      parsed?.suites ?? [],
      parsed?.summary ?? data.summary ?? NO_TESTS,
      parseError,
    );
  }

  /**
   * A report uploaded for a known run: parsed (malformed XML is refused with its line and column), stored,
   * and announced as `testsuiterun.finished` in the same transaction, carrying the XML when it fits an event.
   * @throws RunNotFound, InvalidJunitReport
   */
  async upload(runId: string, xml: string, options: UploadOptions): Promise<string> {
    const run = await this.dataSource.manager.findOneBy(Run, { id: runId });
    if (!run) throw new RunNotFound(runId);
    const parsed = parseJunitXml(xml);
    const taskRun =
      options.taskName === null
        ? null
        : await this.dataSource.manager.findOne(TaskRun, {
            where: { runId, taskName: options.taskName },
            order: { attempt: 'DESC' },
          });
    const id = timeOrderedUuid();
    const outcome = outcomeOf(parsed.summary);
    const event = newCDEvent(
      TESTSUITE_RUN_FINISHED,
      this.bus.source,
      {
        id,
        source: this.bus.source,
        content: {
          outcome,
          environment: { id: options.environment },
          testSuite: { id: options.taskName ?? 'junit', name: parsed.suites.map((s) => s.name).join(', ') },
        },
      },
      {
        runId,
        ...(taskRun ? { taskRunId: taskRun.id } : {}),
        ...(options.taskName === null ? {} : { taskName: options.taskName }),
        component: run.component,
        ...(run.version === null ? {} : { version: run.version }),
        ...(run.revision === null ? {} : { revision: run.revision }),
        summary: parsed.summary,
        ...(Buffer.byteLength(xml, 'utf8') <= TEST_REPORT_XML_MAX_BYTES ? { junitXml: xml } : {}),
      },
    );
    await this.dataSource.transaction(async (manager) => {
      await this.store(
        manager,
        {
          id,
          runId,
          taskRunId: taskRun?.id ?? null,
          taskName: options.taskName,
          component: run.component,
          version: run.version,
          revision: run.revision,
          environment: options.environment,
          outcome,
          finishedAt: new Date(event.context.timestamp),
        },
        parsed.suites,
        parsed.summary,
        null,
      );
      await this.outbox.publish(manager, TestSuiteRunFinished, event);
    });
    return id;
  }

  private async store(
    manager: EntityManager,
    header: TestReportHeader,
    suites: ParsedTestSuite[],
    summary: TestSummary,
    parseError: string | null,
  ): Promise<void> {
    const reports = manager.connection.getMetadata(TestReport).tablePath;
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${reports} (id, run_id, task_run_id, task_name, component, version, revision, environment, outcome,
         tests, passed, failed, errors, skipped, duration_ms, parse_error, finished_at, flaky)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [
        header.id,
        header.runId,
        header.taskRunId,
        header.taskName,
        header.component,
        header.version,
        header.revision,
        header.environment,
        header.outcome,
        summary.tests,
        summary.passed,
        summary.failed,
        summary.errors,
        summary.skipped,
        summary.durationMs,
        parseError,
        header.finishedAt,
        flakyCount(suites),
      ],
    );
    if (inserted.length === 0 || suites.length === 0) return;
    await this.storeSuites(manager, header.id, suites);
  }

  /** All suites in one statement and all cases in another, however many: arrays, not one INSERT per row. */
  private async storeSuites(manager: EntityManager, reportId: string, suites: ParsedTestSuite[]): Promise<void> {
    const suiteCounts = suites.map((suite) => summarize([suite]));
    await manager.query(
      `INSERT INTO ${manager.connection.getMetadata(TestSuite).tablePath}
         (report_id, position, name, tests, passed, failed, errors, skipped, duration_ms, flaky)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::bigint[],
                                $10::int[])`,
      [
        reportId,
        suites.map((_, i) => i),
        suites.map((s) => s.name),
        suiteCounts.map((c) => c.tests),
        suiteCounts.map((c) => c.passed),
        suiteCounts.map((c) => c.failed),
        suiteCounts.map((c) => c.errors),
        suiteCounts.map((c) => c.skipped),
        suites.map((s) => s.durationMs),
        suites.map((s) => flakyCount([s])),
      ],
    );
    const cases = suites.flatMap((suite, suitePosition) =>
      suite.cases.map((testCase, position) => ({ ...testCase, suitePosition, position })),
    );
    if (cases.length === 0) return;
    await manager.query(
      `INSERT INTO ${manager.connection.getMetadata(TestCase).tablePath}
         (report_id, suite_position, position, name, classname, status, duration_ms, message, flaky, reruns,
          failed_attempts)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[],
                                $9::boolean[], $10::int[], $11::jsonb[])`,
      [
        reportId,
        cases.map((c) => c.suitePosition),
        cases.map((c) => c.position),
        cases.map((c) => c.name),
        cases.map((c) => c.classname),
        cases.map((c) => c.status),
        cases.map((c) => c.durationMs),
        cases.map((c) => c.message),
        cases.map((c) => c.flaky),
        cases.map((c) => c.reruns),
        cases.map((c) => JSON.stringify(c.failedAttempts)),
      ],
    );
  }
}
