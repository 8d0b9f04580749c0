import type { TestSummary } from '@pipewright/contracts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidJunitReport } from './test-report.errors';

export const TEST_CASE_STATUSES = ['passed', 'failed', 'error', 'skipped'] as const;
export type TestCaseStatus = (typeof TEST_CASE_STATUSES)[number];

export interface ParsedTestCase {
  name: string;
  /** The class or file the test belongs to; with the name it identifies the test across runs. */
  classname: string | null;
  status: TestCaseStatus;
  durationMs: number | null;
  /** Why it failed, errored or was skipped: the element's `message` attribute, else its text. */
  message: string | null;
  /** It failed first and passed when rerun (Surefire/Gradle `<flakyFailure>`, `<flakyError>`). */
  flaky: boolean;
  /** Times the tool ran it again after its first attempt failed. */
  reruns: number;
  /** The attempts that failed besides the verdict's own: a flaky case's failures, a failed case's reruns. */
  failedAttempts: FailedAttempt[];
}

/** One failed attempt of a rerun test, as Surefire reports it. */
export interface FailedAttempt {
  status: 'failed' | 'error';
  message: string | null;
}

export interface ParsedTestSuite {
  name: string;
  durationMs: number | null;
  cases: ParsedTestCase[];
}

export interface ParsedReport {
  suites: ParsedTestSuite[];
  summary: TestSummary;
}

/** Failure messages and stack traces can be huge; a person reads the first lines. */
const MESSAGE_MAX_CHARS = 4_000;

/**
 * Surefire's (and Gradle's) record of reruns inside a `<testcase>`: `flaky*` are failed attempts of a test
 * that passed in the end, `rerun*` the failed reruns of a test that failed every time.
 */
const FLAKY_ELEMENTS = { flakyFailure: 'failed', flakyError: 'error' } as const;
const RERUN_ELEMENTS_BY_STATUS = { rerunFailure: 'failed', rerunError: 'error' } as const;
const RERUN_ELEMENTS = [...Object.keys(FLAKY_ELEMENTS), ...Object.keys(RERUN_ELEMENTS_BY_STATUS)];

type XmlNode = string | { '@'?: Record<string, string>; '#text'?: string; [child: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Attributes apart from children: a <testcase name="failure"> must not look like a <failure> child.
  attributesGroupName: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) =>
    ['testsuites', 'testsuite', 'testcase', 'failure', 'error', 'skipped', ...RERUN_ELEMENTS].includes(name),
});

/**
 * Parses a JUnit XML report in the dialects test tools write: a `<testsuites>` root or a single
 * `<testsuite>` root, suites nested in suites (flattened), `<testcase>` with `<failure>`, `<error>` or
 * `<skipped>` (surefire, jest-junit, pytest, go-junit-report, gradle...), and Surefire's reruns: a case
 * with `<flakyFailure>`/`<flakyError>` and no verdict element passed on a rerun (flaky), one with
 * `<rerunFailure>`/`<rerunError>` failed every rerun; both keep the failed attempts. Counts come from the cases,
 * never from the suites' `tests`/`failures` attributes, which tools get wrong.
 * @throws InvalidJunitReport with the line and column of malformed XML
 */
export function parseJunitXml(xml: string): ParsedReport {
  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new InvalidJunitReport(msg, line, col ?? 1);
  }
  const document = parser.parse(xml) as Record<string, unknown>;
  if (children(document, 'testsuites').length === 0 && children(document, 'testsuite').length === 0) {
    throw new InvalidJunitReport('the root element is neither <testsuites> nor <testsuite>');
  }
  const suites: ParsedTestSuite[] = [];
  collectSuites(document, suites);
  return { suites, summary: summarize(suites) };
}

/** Every <testsuite> under `node`, depth first, flattened; a <testsuites> only groups them. */
function collectSuites(node: XmlNode, into: ParsedTestSuite[]): void {
  for (const group of children(node, 'testsuites')) collectSuites(group, into);
  for (const suite of children(node, 'testsuite')) {
    const cases = children(suite, 'testcase').map(toCase);
    into.push({
      name: attribute(suite, 'name') ?? '(unnamed)',
      durationMs: seconds(attribute(suite, 'time')) ?? sumDurations(cases),
      cases,
    });
    collectSuites(suite, into);
  }
}

function toCase(node: XmlNode): ParsedTestCase {
  const [failure] = children(node, 'failure');
  const [error] = children(node, 'error');
  const [skipped] = children(node, 'skipped');
  // An error (could not run to a verdict) outranks a failure, which outranks a skip.
  const [status, reason]: [TestCaseStatus, XmlNode | undefined] =
    error !== undefined
      ? ['error', error]
      : failure !== undefined
        ? ['failed', failure]
        : skipped !== undefined
          ? ['skipped', skipped]
          : ['passed', undefined];
  const attempts = (elements: Record<string, FailedAttempt['status']>) =>
    Object.entries(elements).flatMap(([element, attemptStatus]) =>
      children(node, element).map((attempt) => ({ status: attemptStatus, message: messageOf(attempt) })),
    );
  const flakyAttempts = attempts(FLAKY_ELEMENTS);
  const rerunAttempts = attempts(RERUN_ELEMENTS_BY_STATUS);
  // Flaky elements on a case that still failed say it failed every time: its attempts are reruns too.
  const flaky = status === 'passed' && flakyAttempts.length > 0;
  const failedAttempts = [...flakyAttempts, ...rerunAttempts];
  return {
    name: attribute(node, 'name') ?? '(unnamed)',
    classname: attribute(node, 'classname') ?? attribute(node, 'class'),
    status,
    durationMs: seconds(attribute(node, 'time')),
    message: reason === undefined ? null : messageOf(reason),
    flaky,
    // A flaky case's reruns: one per failed attempt (the last run passed); a failed case's: its rerun elements.
    reruns: flaky ? flakyAttempts.length : failedAttempts.length,
    failedAttempts,
  };
}

function messageOf(node: XmlNode): string | null {
  // Surefire puts a rerun's trace in a <stackTrace> child rather than in the element's text.
  const stackTrace = typeof node === 'string' ? undefined : (node['stackTrace'] as XmlNode | undefined);
  const text =
    attribute(node, 'message') ??
    (typeof node === 'string' ? node : node['#text']) ??
    (stackTrace === undefined ? undefined : typeof stackTrace === 'string' ? stackTrace : stackTrace['#text']) ??
    '';
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length > MESSAGE_MAX_CHARS ? `${trimmed.slice(0, MESSAGE_MAX_CHARS)}…` : trimmed;
}

/** `time` in seconds as written: `1.5`, `0`, `1,234.5` (thousands), `0,25` (decimal comma). */
export function seconds(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const normalized = /^\d+,\d+$/.test(value.trim()) ? value.replace(',', '.') : value.replaceAll(',', '');
  const parsed = Number(normalized);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.round(parsed * 1_000) : null;
}

function sumDurations(cases: ParsedTestCase[]): number | null {
  if (cases.length === 0 || cases.some((c) => c.durationMs === null)) return null;
  return cases.reduce((total, c) => total + (c.durationMs ?? 0), 0);
}

export function summarize(suites: ParsedTestSuite[]): TestSummary {
  const summary: TestSummary = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0 };
  for (const suite of suites) {
    summary.durationMs += suite.durationMs ?? 0;
    for (const testCase of suite.cases) {
      summary.tests++;
      if (testCase.status === 'passed') summary.passed++;
      else if (testCase.status === 'failed') summary.failed++;
      else if (testCase.status === 'error') summary.errors++;
      else summary.skipped++;
    }
  }
  return summary;
}

/** Cases that passed only on a rerun. */
export function flakyCount(suites: readonly ParsedTestSuite[]): number {
  return suites.reduce((total, suite) => total + suite.cases.filter((c) => c.flaky).length, 0);
}

function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function attribute(node: XmlNode, name: string): string | null {
  if (typeof node === 'string') return null;
  return node['@']?.[name] ?? null;
}
