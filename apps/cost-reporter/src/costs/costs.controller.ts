import { Controller, Get } from '@nestjs/common';
import { ZodQuery } from '@pipewright/service-runtime';
import { CostReportService, type CostReport } from './cost-report.service';
import { costQuerySchema, type CostQuery } from './cost-query.dto';

@Controller('costs')
export class CostsController {
  constructor(private readonly costs: CostReportService) {}

  /** `GET /costs?groupBy=team&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z` */
  @Get()
  report(@ZodQuery(costQuerySchema) query: CostQuery): Promise<CostReport> {
    return this.costs.report(query);
  }
}
