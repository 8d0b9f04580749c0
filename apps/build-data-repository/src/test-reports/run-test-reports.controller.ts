import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  TEST_REPORT_UPLOAD_MAX_BYTES,
  runTestReportsParamsSchema,
  runTestReportsResponseSchema,
  testReportViewSchema,
  uploadTestReportQuerySchema,
  type RunTestReportsParams,
  type RunTestReportsResponse,
  type TestReportView,
  type UploadTestReportQuery,
} from './test-report.dto';
import { TestReportQueryService } from './test-report-query.service';
import { TestReportService } from './test-report.service';
import { readXmlBody } from './xml-body';

@Controller('runs/:id/test-reports')
export class RunTestReportsController {
  constructor(
    private readonly reports: TestReportService,
    private readonly queries: TestReportQueryService,
  ) {}

  /** For tools outside Pipewright: the body is the JUnit XML (application/xml or text/xml). */
  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Attach a JUnit XML report to a run',
    description:
      'The body is the JUnit XML itself (`Content-Type: application/xml` or `text/xml`, at most 5 MiB). ' +
      'Malformed XML is refused with a 400 problem whose details give the line and column. The report is ' +
      'announced as `dev.cdevents.testsuiterun.finished.0.3.0`.',
    params: runTestReportsParamsSchema,
    query: uploadTestReportQuerySchema,
    responses: {
      201: { description: 'The report as stored', schema: testReportViewSchema },
      404: { description: 'No such run' },
      413: { description: 'The body is over 5 MiB' },
      415: { description: 'The body is not XML' },
    },
  })
  async upload(
    @ZodParams(runTestReportsParamsSchema) params: RunTestReportsParams,
    @ZodQuery(uploadTestReportQuerySchema) query: UploadTestReportQuery,
    @Req() request: IncomingMessage,
  ): Promise<TestReportView> {
    const xml = await readXmlBody(request, TEST_REPORT_UPLOAD_MAX_BYTES);
    const id = await this.reports.upload(params.id, xml, {
      taskName: query.taskName ?? null,
      environment: query.environment,
    });
    const { reports } = await this.queries.forRun(params.id);
    const report = reports.find((r) => r.id === id);
    if (!report) throw new Error(`test report ${id} was stored but cannot be read back`);
    return report;
  }

  @Get()
  @ApiRoute({
    summary: "A run's test reports with their suites and cases",
    params: runTestReportsParamsSchema,
    responses: {
      200: { description: 'Every report of the run, in the order they finished', schema: runTestReportsResponseSchema },
      404: { description: 'No such run' },
    },
  })
  list(@ZodParams(runTestReportsParamsSchema) params: RunTestReportsParams): Promise<RunTestReportsResponse> {
    return this.queries.forRun(params.id);
  }
}
