import {
  TESTSUITE_RUN_FINISHED,
  TEST_REPORT_XML_MAX_BYTES,
  TestSuiteRunFinished,
  Topics,
  type TestSuiteRunFinished as TestSuiteRunFinishedEvent,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { RunTestReportsResponse } from '../src/test-reports/test-report.dto';
import { aRun, type RunFixture } from './support/run-events.fixtures';
import { queueRun } from './support/run-stored';
import { startApp, type TestApp } from './support/start-app';
import { junitXml, testSuiteFinished } from './support/test-report.fixtures';

jest.setTimeout(120_000);

describe('test reports', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  const queuedRun = (run: RunFixture) => queueRun(sut, run);
  const notRerun = { flaky: false, reruns: 0, failedAttempts: [] };

  async function reportsOf(runId: string, count: number): Promise<RunTestReportsResponse> {
    return waitFor(
      async () => {
        const response = await request(sut.http).get(`/runs/${runId}/test-reports`).expect(200);
        const body = response.body as RunTestReportsResponse;
        return body.reports.length >= count && body;
      },
      { description: `${count} test report(s) of run ${runId}` },
    );
  }

  it('records a test task’s JUnit report from its event, parsed into suites and cases, tied to the run’s version', async () => {
    const run = aRun({ component: uniqueId('reported-'), revision: 'c0ffee1' });
    const version = await queuedRun(run);

    await sut.engine.publishDirect(
      TestSuiteRunFinished,
      testSuiteFinished(run, { xml: junitXml('cart', { adds: 'passed', totals: 'failed', later: 'skipped' }) }),
    );

    const { reports, summary } = await reportsOf(run.runId, 1);
    expect(summary).toEqual({ tests: 3, passed: 1, failed: 1, errors: 0, skipped: 1, flaky: 0, durationMs: 1_500 });
    expect(reports[0]).toMatchObject({
      taskName: 'unit-tests',
      component: run.component,
      version,
      revision: 'c0ffee1',
      environment: 'ci',
      outcome: 'failure',
      parseError: null,
    });
    expect(reports[0]?.suites).toEqual([
      {
        name: 'cart',
        durationMs: 1_500,
        summary: { tests: 3, passed: 1, failed: 1, errors: 0, skipped: 1, flaky: 0 },
        cases: [
          { name: 'adds', classname: 'cart', status: 'passed', durationMs: 500, message: null, ...notRerun },
          {
            name: 'totals',
            classname: 'cart',
            status: 'failed',
            durationMs: 500,
            message: 'totals failed',
            ...notRerun,
          },
          { name: 'later', classname: 'cart', status: 'skipped', durationMs: 500, message: null, ...notRerun },
        ],
      },
    ]);

    const byVersion = await request(sut.http)
      .get(`/components/${run.component}/versions/${version}/test-reports`)
      .expect(200);
    expect(byVersion.body).toMatchObject({
      component: run.component,
      version,
      summary: { tests: 3, passed: 1, failed: 1, skipped: 1 },
      reports: [
        { runId: run.runId, suites: [{ name: 'cart', summary: { tests: 3, passed: 1, failed: 1, skipped: 1 } }] },
      ],
    });
    expect(byVersion.body.reports[0].suites[0].cases).toBeUndefined();
  });

  it('takes a report over HTTP, announces it once, and refuses malformed XML with its line and column', async () => {
    const run = aRun({ component: uniqueId('uploaded-') });
    await queuedRun(run);

    const uploaded = await request(sut.http)
      .post(`/runs/${run.runId}/test-reports?taskName=e2e&environment=qa`)
      .set('content-type', 'application/xml')
      .send(junitXml('checkout', { pays: 'passed', refunds: 'error' }))
      .expect(201);
    expect(uploaded.body).toMatchObject({
      runId: run.runId,
      taskName: 'e2e',
      environment: 'qa',
      outcome: 'error',
      summary: { tests: 2, passed: 1, errors: 1 },
      suites: [{ cases: [{ name: 'pays' }, { name: 'refunds', status: 'error', message: 'refunds crashed' }] }],
    });

    const announced = await sut.tap.waitFor(
      (m) =>
        m.topic.endsWith(Topics.cdevents) &&
        m.attributes?.type === TESTSUITE_RUN_FINISHED &&
        (m.data as TestSuiteRunFinishedEvent).subject.id === uploaded.body.id,
      { description: 'the uploaded report announced' },
    );
    const event = announced.data as TestSuiteRunFinishedEvent;
    expect(event.subject.content).toMatchObject({ outcome: 'error', environment: { id: 'qa' } });
    expect(event.customData).toMatchObject({ runId: run.runId, taskName: 'e2e', summary: { tests: 2, errors: 1 } });
    expect(event.customData.junitXml).toContain('<testsuite name="checkout"');
    // The announcement comes back to the service through Kafka: it is logged, and the report stays one.
    await waitFor(
      async () => {
        const [row] = await sut.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM events WHERE type = $1 AND run_id = $2`,
          [TESTSUITE_RUN_FINISHED, run.runId],
        );
        return row?.count === 1;
      },
      { description: 'the announcement in the event log' },
    );
    expect((await reportsOf(run.runId, 1)).reports).toHaveLength(1);

    const malformed = await request(sut.http)
      .post(`/runs/${run.runId}/test-reports`)
      .set('content-type', 'text/xml')
      .send('<testsuites>\n  <testsuite name="x">\n    <testcase name="a">\n  </testsuite>\n</testsuites>')
      .expect(400);
    expect(malformed.body).toMatchObject({ code: 'test_report.invalid', details: { line: 4, column: 3 } });

    await request(sut.http)
      .post(`/runs/${run.runId}/test-reports`)
      .set('content-type', 'application/json')
      .send({ xml: '<testsuites/>' })
      .expect(415);
    const unknownRun = await request(sut.http)
      .post('/runs/0d7ad1c3-5b7c-4f3e-9b61-3d3c2e7d9a11/test-reports')
      .set('content-type', 'application/xml')
      .send(junitXml('x', { a: 'passed' }))
      .expect(404);
    expect(unknownRun.body).toMatchObject({ code: 'run.not_found' });
  });

  it('announces a report too large for one Kafka message with its summary only', async () => {
    const run = aRun({ component: uniqueId('large-') });
    await queuedRun(run);
    const results = Object.fromEntries(
      Array.from({ length: 4_000 }, (_, i) => [`case ${i} ${'x'.repeat(200)}`, i % 100 === 0 ? 'failed' : 'passed']),
    ) as Parameters<typeof junitXml>[1];
    const xml = junitXml('big', results);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(TEST_REPORT_XML_MAX_BYTES);

    const uploaded = await request(sut.http)
      .post(`/runs/${run.runId}/test-reports`)
      .set('content-type', 'application/xml')
      .send(xml)
      .expect(201);

    expect(uploaded.body.summary).toMatchObject({ tests: 4_000, failed: 40, passed: 3_960 });
    const announced = await sut.tap.waitFor(
      (m) => m.attributes?.type === TESTSUITE_RUN_FINISHED && m.attributes.subject === uploaded.body.id,
      { description: 'the large report announced' },
    );
    const event = announced.data as TestSuiteRunFinishedEvent;
    expect(event.customData.junitXml).toBeUndefined();
    expect(event.customData.summary).toMatchObject({ tests: 4_000, failed: 40 });
  });

  it('flags a test that passed and failed for the same revision across runs as flaky', async () => {
    const component = uniqueId('flaky-');
    const first = aRun({ component, revision: 'abc1234' });
    const retry = aRun({ component, revision: 'abc1234' });
    const next = aRun({ component, revision: 'def5678' });
    await queuedRun(first);
    await queuedRun(retry);
    await queuedRun(next);

    await sut.engine.publishDirect(
      TestSuiteRunFinished,
      testSuiteFinished(first, { xml: junitXml('cart', { adds: 'passed', totals: 'failed', pays: 'failed' }) }),
    );
    await sut.engine.publishDirect(
      TestSuiteRunFinished,
      testSuiteFinished(retry, { xml: junitXml('cart', { adds: 'passed', totals: 'passed', pays: 'failed' }) }),
    );
    // Another revision: `pays` passing there says nothing about abc1234.
    await sut.engine.publishDirect(
      TestSuiteRunFinished,
      testSuiteFinished(next, { xml: junitXml('cart', { adds: 'passed', totals: 'passed', pays: 'passed' }) }),
    );
    await Promise.all([reportsOf(first.runId, 1), reportsOf(retry.runId, 1), reportsOf(next.runId, 1)]);

    const flaky = await request(sut.http).get(`/components/${component}/flaky-tests`).expect(200);
    expect(flaky.body.flakyTests).toEqual([
      {
        classname: 'cart',
        name: 'totals',
        revision: 'abc1234',
        passed: 1,
        failed: 1,
        passedOnRerun: 0,
        runIds: [first.runId, retry.runId].sort(),
        lastSeenAt: expect.any(String),
      },
    ]);
    const cases = (await reportsOf(first.runId, 1)).reports[0]?.suites[0]?.cases ?? [];
    expect(cases.map((c) => [c.name, c.flaky])).toEqual([
      ['adds', false],
      ['totals', true],
      ['pays', false],
    ]);
  });

  it('flags a Surefire case that passed on a rerun as flaky, keeping the failed attempts, in one run', async () => {
    const run = aRun({ component: uniqueId('surefire-'), revision: 'fee1600' });
    const version = await queuedRun(run);

    await sut.engine.publishDirect(TestSuiteRunFinished, testSuiteFinished(run, { xml: surefireRerunsXml }));

    const { reports, summary } = await reportsOf(run.runId, 1);
    expect(summary).toMatchObject({ tests: 3, passed: 2, failed: 1, flaky: 1 });
    expect(reports[0]?.suites[0]?.cases).toEqual([
      expect.objectContaining({ name: 'pays', status: 'passed', ...notRerun }),
      expect.objectContaining({
        name: 'refunds',
        status: 'passed',
        flaky: true,
        reruns: 1,
        failedAttempts: [{ status: 'failed', message: 'expected: <200> but was: <503>' }],
      }),
      expect.objectContaining({
        name: 'settles',
        status: 'failed',
        message: 'balance 0 != 10',
        flaky: false,
        reruns: 2,
        failedAttempts: [
          { status: 'failed', message: 'balance 0 != 10' },
          { status: 'error', message: 'database gone' },
        ],
      }),
    ]);
    const byVersion = await request(sut.http)
      .get(`/components/${run.component}/versions/${version}/test-reports`)
      .expect(200);
    expect(byVersion.body.reports[0].suites[0].summary).toMatchObject({ tests: 3, flaky: 1 });

    const flaky = await request(sut.http).get(`/components/${run.component}/flaky-tests`).expect(200);
    expect(flaky.body.flakyTests).toEqual([
      {
        classname: 'com.shop.PaymentTest',
        name: 'refunds',
        revision: 'fee1600',
        passed: 1,
        failed: 0,
        passedOnRerun: 1,
        runIds: [run.runId],
        lastSeenAt: expect.any(String),
      },
    ]);
  });

  it('keeps a report whose XML cannot be read, with the reason', async () => {
    const run = aRun({ component: uniqueId('garbled-') });
    await queuedRun(run);

    await sut.engine.publishDirect(
      TestSuiteRunFinished,
      testSuiteFinished(run, { xml: '<testsuites><testsuite name="x">', outcome: 'error' }),
    );

    const { reports } = await reportsOf(run.runId, 1);
    expect(reports[0]).toMatchObject({ outcome: 'error', suites: [], summary: { tests: 0 } });
    expect(reports[0]?.parseError).toMatch(/^Invalid JUnit XML at line 1/);
  });

  it('answers bad input with a 400 naming the parameter, and unknown things with 404', async () => {
    const run = aRun({ component: uniqueId('lookups-') });
    await queuedRun(run);

    const badLimit = await request(sut.http).get(`/components/${run.component}/flaky-tests?limit=0`).expect(400);
    expect(badLimit.body).toMatchObject({ code: 'request.invalid', details: [{ path: 'limit' }] });
    const badSince = await request(sut.http)
      .get(`/components/${run.component}/flaky-tests?since=yesterday`)
      .expect(400);
    expect(badSince.body.details[0].path).toBe('since');
    await request(sut.http).get(`/components/${run.component}/versions/99/test-reports`).expect(404);
    await request(sut.http).get('/components/never-seen/flaky-tests').expect(404);
    await request(sut.http).get('/runs/0d7ad1c3-5b7c-4f3e-9b61-3d3c2e7d9a11/test-reports').expect(404);
    const empty = await request(sut.http).get(`/runs/${run.runId}/test-reports`).expect(200);
    expect(empty.body).toMatchObject({ runId: run.runId, reports: [], summary: { tests: 0 } });
  });
});

/** As maven-surefire-plugin 3.x writes a suite run with -Dsurefire.rerunFailingTestsCount=2. */
const surefireRerunsXml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0" name="com.shop.PaymentTest" time="2.1" tests="3" errors="0" skipped="0" failures="1" flakes="1">
  <testcase name="pays" classname="com.shop.PaymentTest" time="0.02"/>
  <testcase name="refunds" classname="com.shop.PaymentTest" time="0.31">
    <flakyFailure message="expected: &lt;200&gt; but was: &lt;503&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <200> but was: <503>]]></stackTrace>
    </flakyFailure>
  </testcase>
  <testcase name="settles" classname="com.shop.PaymentTest" time="1.77">
    <failure message="balance 0 != 10" type="org.opentest4j.AssertionFailedError"><![CDATA[stack]]></failure>
    <rerunFailure message="balance 0 != 10" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[stack]]></stackTrace>
    </rerunFailure>
    <rerunError message="database gone" type="java.sql.SQLException"/>
  </testcase>
</testsuite>`;
