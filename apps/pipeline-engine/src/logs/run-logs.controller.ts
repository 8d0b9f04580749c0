import { Controller, Get } from '@nestjs/common';
import { type Caller, CurrentCaller, ZodParams, ZodQuery } from '@pipewright/service-runtime';
import type { z } from 'zod';
import { runLogsParamsSchema, runLogsQuerySchema, type RunLogPageDto, type RunLogsQuery } from './run-logs.dto';
import { RunLogsService } from './run-logs.service';

@Controller('runs/:id/logs')
export class RunLogsController {
  constructor(private readonly logs: RunLogsService) {}

  /**
   * The run's task output lines after `after`, in the order they were written across its tasks, from
   * the tail the engine keeps of each task run (PIPEWRIGHT_ENGINE_LOG_TAIL_LINES); `dropped` says what
   * left the tail before this reader got it. Poll with `next` to follow a run.
   */
  @Get()
  page(
    @ZodParams(runLogsParamsSchema) params: z.output<typeof runLogsParamsSchema>,
    @ZodQuery(runLogsQuerySchema) query: RunLogsQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<RunLogPageDto> {
    return this.logs.page(params.id, query, caller);
  }
}
