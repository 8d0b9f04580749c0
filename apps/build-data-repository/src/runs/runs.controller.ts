import { Controller, Get } from '@nestjs/common';
import { ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import type { Page } from '../pagination/cursor';
import { listRunsQuerySchema, runPageSchema, type ListRunsQuery, type RunSummary } from './list-runs.dto';
import { runDetailsSchema, runParamsSchema, toRunDetails, type RunDetails, type RunParams } from './run-details.dto';
import { RunHistoryService } from './run-history.service';

@Controller('runs')
export class RunsController {
  constructor(private readonly history: RunHistoryService) {}

  @Get()
  @ApiRoute({
    summary: 'Run history, newest first',
    query: listRunsQuerySchema,
    responses: { 200: { description: 'A page of runs', schema: runPageSchema } },
  })
  list(@ZodQuery(listRunsQuerySchema) query: ListRunsQuery): Promise<Page<RunSummary>> {
    return this.history.list(query);
  }

  @Get(':id')
  @ApiRoute({
    summary: 'One run as executed: definition snapshot, stages and every task attempt',
    params: runParamsSchema,
    responses: { 200: { description: 'The run', schema: runDetailsSchema }, 404: { description: 'Unknown run' } },
  })
  async get(@ZodParams(runParamsSchema) params: RunParams): Promise<RunDetails> {
    const { run, taskRuns } = await this.history.get(params.id);
    return toRunDetails(run, taskRuns);
  }
}
