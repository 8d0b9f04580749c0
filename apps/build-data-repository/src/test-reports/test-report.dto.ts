import { nameSchema, outcomeSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { TEST_CASE_STATUSES } from './junit-parser';
import type { TestReport } from './test-report.entity';
import type { TestSuite } from './test-suite.entity';

/** The largest JUnit XML accepted over HTTP. Reports this large travel as events without their XML. */
export const TEST_REPORT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

export const runTestReportsParamsSchema = z.object({ id: z.string().min(1).max(200) });
export type RunTestReportsParams = z.infer<typeof runTestReportsParamsSchema>;

export const uploadTestReportQuerySchema = z.object({
  taskName: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The task that ran the tests; its latest attempt's task run is linked when the run has one."),
  environment: z
    .string()
    .min(1)
    .max(200)
    .default('ci')
    .describe('Where the tests ran (CDEvents requires an environment); `ci` for tests on the CI worker itself.'),
});
export type UploadTestReportQuery = z.infer<typeof uploadTestReportQuerySchema>;

export const versionTestReportsParamsSchema = z.object({ name: nameSchema, version: z.string().min(1).max(100) });
export type VersionTestReportsParams = z.infer<typeof versionTestReportsParamsSchema>;

export const componentParamsSchema = z.object({ name: nameSchema });
export type ComponentParams = z.infer<typeof componentParamsSchema>;

export const flakyTestsQuerySchema = z.object({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Only results from reports finished at or after this moment (ISO 8601).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type FlakyTestsQuery = z.infer<typeof flakyTestsQuerySchema>;

const counts = {
  tests: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int().describe('Cases that could not run to a verdict (JUnit <error>).'),
  skipped: z.number().int(),
  flaky: z.number().int().describe('Passed cases that passed only on a rerun (Surefire/Gradle reruns).'),
};
export const testSummaryViewSchema = z.object({ ...counts, durationMs: z.number().int() });
export type TestSummaryView = z.infer<typeof testSummaryViewSchema>;

export const testCaseViewSchema = z.object({
  name: z.string(),
  classname: z.string().nullable(),
  status: z.enum(TEST_CASE_STATUSES),
  durationMs: z.number().int().nullable(),
  message: z.string().nullable().describe('Why it failed, errored or was skipped.'),
  flaky: z
    .boolean()
    .describe('It passed only on a rerun, or the same test passed and failed for this revision in other runs.'),
  reruns: z.number().int().describe('Times the test tool ran it again after its first attempt failed.'),
  failedAttempts: z
    .array(z.object({ status: z.enum(['failed', 'error']), message: z.string().nullable() }))
    .describe("The failed attempts besides the verdict's own: a flaky case's failures, a failed case's reruns."),
});
export type TestCaseView = z.infer<typeof testCaseViewSchema>;

export const testSuiteViewSchema = z.object({
  name: z.string(),
  durationMs: z.number().int().nullable(),
  summary: z.object(counts),
  cases: z.array(testCaseViewSchema).optional().describe("On a run's reports; a version's list has counts only."),
});
export type TestSuiteView = z.infer<typeof testSuiteViewSchema>;

export const testReportViewSchema = z.object({
  id: z.string().describe('The test suite run id (the CDEvent subject id).'),
  runId: z.string(),
  taskRunId: z.string().nullable(),
  taskName: z.string().nullable(),
  component: z.string(),
  version: z.string().nullable(),
  revision: z.string().nullable(),
  environment: z.string(),
  outcome: outcomeSchema,
  finishedAt: z.string(),
  summary: testSummaryViewSchema,
  parseError: z.string().nullable().describe("Why the report's XML could not be read (it then has no suites)."),
  suites: z.array(testSuiteViewSchema),
});
export type TestReportView = z.infer<typeof testReportViewSchema>;

/** `GET /runs/:id/test-reports` */
export const runTestReportsResponseSchema = z.object({
  runId: z.string(),
  summary: testSummaryViewSchema.describe('Over every report of the run.'),
  reports: z.array(testReportViewSchema).describe('In the order they finished.'),
});
export type RunTestReportsResponse = z.infer<typeof runTestReportsResponseSchema>;

/** `GET /components/:name/versions/:version/test-reports` */
export const versionTestReportsResponseSchema = z.object({
  component: z.string(),
  version: z.string(),
  summary: testSummaryViewSchema,
  reports: z.array(testReportViewSchema),
});
export type VersionTestReportsResponse = z.infer<typeof versionTestReportsResponseSchema>;

/** `GET /components/:name/flaky-tests` */
export const flakyTestsResponseSchema = z.object({
  component: z.string(),
  flakyTests: z
    .array(
      z.object({
        classname: z.string().nullable(),
        name: z.string(),
        revision: z.string(),
        passed: z.number().int().describe('Times it passed for this revision.'),
        failed: z.number().int().describe('Times it failed or errored for this revision.'),
        passedOnRerun: z
          .number()
          .int()
          .describe('Times it failed and then passed when the test tool reran it (counted in `passed`).'),
        runIds: z.array(z.string()),
        lastSeenAt: z.string(),
      }),
    )
    .describe('Most recently seen first.'),
});
export type FlakyTestsResponse = z.infer<typeof flakyTestsResponseSchema>;

export function toSuiteView(suite: TestSuite, cases?: TestCaseView[]): TestSuiteView {
  return {
    name: suite.name,
    durationMs: suite.durationMs,
    summary: {
      tests: suite.tests,
      passed: suite.passed,
      failed: suite.failed,
      errors: suite.errors,
      skipped: suite.skipped,
      flaky: suite.flaky,
    },
    ...(cases === undefined ? {} : { cases }),
  };
}

export function toReportView(report: TestReport, suites: TestSuiteView[]): TestReportView {
  return {
    id: report.id,
    runId: report.runId,
    taskRunId: report.taskRunId,
    taskName: report.taskName,
    component: report.component,
    version: report.version,
    revision: report.revision,
    environment: report.environment,
    outcome: report.outcome,
    finishedAt: report.finishedAt.toISOString(),
    summary: {
      tests: report.tests,
      passed: report.passed,
      failed: report.failed,
      errors: report.errors,
      skipped: report.skipped,
      flaky: report.flaky,
      durationMs: report.durationMs,
    },
    parseError: report.parseError,
    suites,
  };
}

export function totalOf(reports: TestReportView[]): TestSummaryView {
  const total: TestSummaryView = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0, durationMs: 0 };
  for (const { summary } of reports) {
    for (const key of Object.keys(total) as (keyof TestSummaryView)[]) total[key] += summary[key];
  }
  return total;
}
