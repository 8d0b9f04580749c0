import { DomainError } from '@pipewright/service-runtime';

/** JUnit XML that is not well-formed XML, or not a JUnit report. `line`/`column` are 1-based, when known. */
export class InvalidJunitReport extends DomainError {
  constructor(
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where = line === undefined ? '' : ` at line ${line}${column === undefined ? '' : `, column ${column}`}`;
    super('test_report.invalid', `Invalid JUnit XML${where}: ${reason}`, {
      details: { reason, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) },
    });
  }
}

export class TestReportTooLarge extends DomainError {
  constructor(bytes: number, limit: number) {
    super('test_report.too_large', `The test report has ${bytes} bytes; at most ${limit} are accepted`, {
      details: { bytes, limit },
    });
  }
}
