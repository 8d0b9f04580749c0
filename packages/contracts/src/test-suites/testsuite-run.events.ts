import { z } from 'zod';
import { nameSchema, outcomeSchema } from '../common';
import { cdeventSchema } from '../envelope/cdevent';
import { defineMessage } from '../envelope/message-definition';
import { subjectReferenceSchema } from '../envelope/references';
import { Topics } from '../topics';

export const TESTSUITE_RUN_FINISHED = 'dev.cdevents.testsuiterun.finished.0.3.0';

/**
 * The largest JUnit XML (UTF-8 bytes) one event may carry. The whole CloudEvent has to fit in one Kafka
 * message, and brokers refuse messages over 1 MiB unless every broker and client is reconfigured
 * (`message.max.bytes`); 768 KiB leaves room for JSON escaping and the rest of the event. Larger reports
 * go to the build-data repository over HTTP (`POST /runs/:id/test-reports`, up to 5 MiB), whose event then
 * carries only the summary.
 */
export const TEST_REPORT_XML_MAX_BYTES = 768 * 1024;

/** Counts over every test case of a report. `errors` are cases that could not run to a verdict. */
export const testSummarySchema = z.object({
  tests: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
});
export type TestSummary = z.infer<typeof testSummarySchema>;

/**
 * A test task's results: one test suite run per JUnit report attached (the report may hold several
 * `<testsuite>`s). Subject and content are CDEvents v0.5.1's (`environment` is required there: for tests
 * that run on the CI worker itself, name the worker pool or `ci`). customData says which run, task and
 * version the results belong to, and carries the report:
 * - `junitXml`: the JUnit XML exactly as the test tool wrote it, at most TEST_REPORT_XML_MAX_BYTES. The raw
 *   text rather than parsed results, so producers need no JUnit parser (there is one, in the build-data
 *   repository) and nothing the tool wrote is lost to a parser's idea of the format.
 * - `summary`: counts, for subscribers that want figures without parsing XML; set by producers that parsed.
 * Either may be missing; a report with neither is recorded by its outcome alone.
 */
export const testSuiteRunFinishedSchema = cdeventSchema(
  TESTSUITE_RUN_FINISHED,
  z.object({
    outcome: outcomeSchema,
    environment: subjectReferenceSchema,
    testSuite: z
      .object({
        id: z.string().min(1),
        version: z.string().optional(),
        name: z.string().optional(),
        uri: z.string().optional(),
      })
      .optional(),
    severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
    reason: z.string().optional(),
  }),
  z.object({
    runId: z.string().min(1),
    taskRunId: z.string().min(1).optional(),
    taskName: z.string().min(1).optional(),
    component: nameSchema,
    version: z.string().min(1).optional(),
    revision: z.string().min(1).optional(),
    summary: testSummarySchema.optional(),
    junitXml: z
      .string()
      .min(1)
      .refine((xml) => Buffer.byteLength(xml, 'utf8') <= TEST_REPORT_XML_MAX_BYTES, {
        message: `must be at most ${TEST_REPORT_XML_MAX_BYTES} bytes (UTF-8); send larger reports over HTTP`,
      })
      .optional(),
  }),
);
export type TestSuiteRunFinished = z.infer<typeof testSuiteRunFinishedSchema>;

export const TestSuiteRunFinished = defineMessage({
  type: TESTSUITE_RUN_FINISHED,
  topic: Topics.cdevents,
  schema: testSuiteRunFinishedSchema,
  // Keyed by run: the results stay in order with the run's other events.
  key: (e) => e.customData.runId,
  subject: (e) => e.subject.id,
});
