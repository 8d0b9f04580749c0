import { parseJunitXml, seconds } from './junit-parser';
import { InvalidJunitReport } from './test-report.errors';

describe(parseJunitXml.name, () => {
  it('reads a <testsuites> report as jest-junit writes it: suites, cases, statuses, durations, messages', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="4" failures="1" errors="0" time="1.234">
  <testsuite name="cart" tests="3" failures="1" skipped="1" time="0.9">
    <testcase classname="cart adds an item" name="cart adds an item" time="0.1"/>
    <testcase classname="cart totals" name="cart totals" time="0.25">
      <failure>Error: expected 3 &amp; got 4
    at Object.&lt;anonymous&gt; (cart.spec.ts:12:5)</failure>
    </testcase>
    <testcase classname="cart later" name="cart later" time="0">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="checkout" tests="1" time="0.334">
    <testcase classname="checkout pays" name="checkout pays" time="0.334"/>
  </testsuite>
</testsuites>`;

    const sut = parseJunitXml(xml);

    expect(sut.summary).toEqual({ tests: 4, passed: 2, failed: 1, errors: 0, skipped: 1, durationMs: 1_234 });
    expect(sut.suites.map((s) => [s.name, s.durationMs, s.cases.length])).toEqual([
      ['cart', 900, 3],
      ['checkout', 334, 1],
    ]);
    expect(sut.suites[0]?.cases[1]).toEqual({
      name: 'cart totals',
      classname: 'cart totals',
      status: 'failed',
      durationMs: 250,
      message: 'Error: expected 3 & got 4\n    at Object.<anonymous> (cart.spec.ts:12:5)',
      flaky: false,
      reruns: 0,
      failedAttempts: [],
    });
    expect(sut.suites[0]?.cases[2]).toMatchObject({ status: 'skipped', message: null, durationMs: 0 });
  });

  it('reads a single <testsuite> root as surefire writes it, an error outranking a failure', () => {
    const xml = `<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.shop.CartTest" time="1,234.5" tests="3" errors="1" skipped="0" failures="1">
  <properties><property name="java.version" value="21"/></properties>
  <testcase name="adds" classname="com.shop.CartTest" time="0.012"/>
  <testcase name="totals" classname="com.shop.CartTest" time="0.5">
    <failure message="expected:&lt;3&gt; but was:&lt;4&gt;" type="org.opentest4j.AssertionFailedError">stack</failure>
  </testcase>
  <testcase name="connects" classname="com.shop.CartTest" time="0,25">
    <failure message="first"/>
    <error message="Connection refused" type="java.net.ConnectException"/>
  </testcase>
  <system-out><![CDATA[log output]]></system-out>
</testsuite>`;

    const sut = parseJunitXml(xml);

    expect(sut.suites).toHaveLength(1);
    expect(sut.suites[0]?.durationMs).toBe(1_234_500);
    expect(sut.suites[0]?.cases.map((c) => [c.name, c.classname, c.status, c.durationMs, c.message])).toEqual([
      ['adds', 'com.shop.CartTest', 'passed', 12, null],
      ['totals', 'com.shop.CartTest', 'failed', 500, 'expected:<3> but was:<4>'],
      ['connects', 'com.shop.CartTest', 'error', 250, 'Connection refused'],
    ]);
    expect(sut.summary).toMatchObject({ tests: 3, passed: 1, failed: 1, errors: 1, skipped: 0 });
  });

  it('flattens suites nested in suites and sums case times when a suite has none', () => {
    const xml = `<testsuites>
  <testsuite name="outer">
    <testsuite name="inner">
      <testcase name="a" time="1"/><testcase name="b" time="2"><skipped message="not on CI"/></testcase>
    </testsuite>
  </testsuite>
</testsuites>`;

    const sut = parseJunitXml(xml);

    expect(sut.suites.map((s) => [s.name, s.durationMs, s.cases.length])).toEqual([
      ['outer', null, 0],
      ['inner', 3_000, 2],
    ]);
    expect(sut.suites[1]?.cases[1]).toMatchObject({ status: 'skipped', message: 'not on CI' });
    expect(sut.summary).toMatchObject({ tests: 2, passed: 1, skipped: 1, durationMs: 3_000 });
  });

  it('reads Surefire reruns: a case that passed on a rerun is flaky, one that failed every rerun keeps them', () => {
    // As maven-surefire-plugin 3.x writes it with -Dsurefire.rerunFailingTestsCount=2.
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.shop.PaymentTest" time="3.41" tests="4" errors="0" skipped="0" failures="1" flakes="2">
  <properties><property name="surefire.rerunFailingTestsCount" value="2"/></properties>
  <testcase name="pays" classname="com.shop.PaymentTest" time="0.02"/>
  <testcase name="refunds" classname="com.shop.PaymentTest" time="0.31">
    <flakyFailure message="expected: &lt;200&gt; but was: &lt;503&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <200> but was: <503>
	at com.shop.PaymentTest.refunds(PaymentTest.java:42)]]></stackTrace>
      <system-out><![CDATA[calling the gateway]]></system-out>
    </flakyFailure>
  </testcase>
  <testcase name="connects" classname="com.shop.PaymentTest" time="1.5">
    <flakyError type="java.net.SocketTimeoutException">
      <stackTrace><![CDATA[java.net.SocketTimeoutException: Read timed out]]></stackTrace>
    </flakyError>
    <flakyFailure message="second try: not ready"/>
  </testcase>
  <testcase name="settles" classname="com.shop.PaymentTest" time="1.58">
    <failure message="balance 0 != 10" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: balance 0 != 10]]></failure>
    <rerunFailure message="balance 0 != 10 (rerun 1)" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError]]></stackTrace>
    </rerunFailure>
    <rerunError message="database gone" type="java.sql.SQLException"/>
  </testcase>
</testsuite>`;

    const [suite] = parseJunitXml(xml).suites;
    const byName = new Map(suite!.cases.map((c) => [c.name, c]));

    expect(byName.get('pays')).toMatchObject({ status: 'passed', flaky: false, reruns: 0, failedAttempts: [] });
    expect(byName.get('refunds')).toMatchObject({
      status: 'passed',
      message: null,
      flaky: true,
      reruns: 1,
      failedAttempts: [{ status: 'failed', message: 'expected: <200> but was: <503>' }],
    });
    expect(byName.get('connects')).toMatchObject({
      status: 'passed',
      flaky: true,
      reruns: 2,
      failedAttempts: [
        { status: 'failed', message: 'second try: not ready' },
        { status: 'error', message: 'java.net.SocketTimeoutException: Read timed out' },
      ],
    });
    expect(byName.get('settles')).toMatchObject({
      status: 'failed',
      message: 'balance 0 != 10',
      flaky: false,
      reruns: 2,
      failedAttempts: [
        { status: 'failed', message: 'balance 0 != 10 (rerun 1)' },
        { status: 'error', message: 'database gone' },
      ],
    });
    expect(parseJunitXml(xml).summary).toMatchObject({ tests: 4, passed: 3, failed: 1, errors: 0 });
  });

  it('names the line and column of malformed XML', () => {
    const xml = '<testsuites>\n  <testsuite name="x">\n    <testcase name="a">\n  </testsuite>\n</testsuites>';

    const error = catchError(() => parseJunitXml(xml));

    expect(error).toBeInstanceOf(InvalidJunitReport);
    expect(error).toMatchObject({ code: 'test_report.invalid', line: 4, column: 3 });
    expect((error as Error).message).toMatch(/^Invalid JUnit XML at line 4, column 3: .*testcase/);
  });

  it('refuses well-formed XML that is not a JUnit report', () => {
    expect(() => parseJunitXml('<project><name>x</name></project>')).toThrow(
      'Invalid JUnit XML: the root element is neither <testsuites> nor <testsuite>',
    );
    expect(() => parseJunitXml('')).toThrow(InvalidJunitReport);
  });
});

describe(seconds.name, () => {
  it.each([
    ['1.5', 1_500],
    ['0', 0],
    ['1,234.5', 1_234_500],
    ['0,25', 250],
    ['12', 12_000],
  ])('reads %s seconds as %d ms', (value, ms) => {
    expect(seconds(value)).toBe(ms);
  });

  it.each([['abc'], ['-1'], ['']])('has no duration for %j', (value) => {
    expect(seconds(value)).toBeNull();
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
