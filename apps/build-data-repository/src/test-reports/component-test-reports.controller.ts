import { Controller, Get } from '@nestjs/common';
import { ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  componentParamsSchema,
  flakyTestsQuerySchema,
  flakyTestsResponseSchema,
  versionTestReportsParamsSchema,
  versionTestReportsResponseSchema,
  type ComponentParams,
  type FlakyTestsQuery,
  type FlakyTestsResponse,
  type VersionTestReportsParams,
  type VersionTestReportsResponse,
} from './test-report.dto';
import { TestReportQueryService } from './test-report-query.service';

@Controller('components/:name')
export class ComponentTestReportsController {
  constructor(private readonly queries: TestReportQueryService) {}

  @Get('versions/:version/test-reports')
  @ApiRoute({
    summary: "A version's test reports, with counts per suite",
    tags: ['test-reports'],
    params: versionTestReportsParamsSchema,
    responses: {
      200: { description: 'The reports of every run that built the version', schema: versionTestReportsResponseSchema },
      404: { description: 'No such component or version' },
    },
  })
  forVersion(
    @ZodParams(versionTestReportsParamsSchema) params: VersionTestReportsParams,
  ): Promise<VersionTestReportsResponse> {
    return this.queries.forVersion(params.name, params.version);
  }

  @Get('flaky-tests')
  @ApiRoute({
    summary: 'Tests that both passed and failed for the same revision',
    tags: ['test-reports'],
    params: componentParamsSchema,
    query: flakyTestsQuerySchema,
    responses: {
      200: { description: 'Flaky tests, most recently seen first', schema: flakyTestsResponseSchema },
      404: { description: 'No such component' },
    },
  })
  async flakyTests(
    @ZodParams(componentParamsSchema) params: ComponentParams,
    @ZodQuery(flakyTestsQuerySchema) query: FlakyTestsQuery,
  ): Promise<FlakyTestsResponse> {
    const flaky = await this.queries.flakyTests(params.name, {
      limit: query.limit,
      ...(query.since === undefined ? {} : { since: new Date(query.since) }),
    });
    return {
      component: params.name,
      flakyTests: flaky.map((test) => ({ ...test, lastSeenAt: test.lastSeenAt.toISOString() })),
    };
  }
}
