import { Controller, Get } from '@nestjs/common';
import { ZodParams } from '@pipewright/service-runtime';
import { runParamsSchema, toRunDetails, type RunDetails, type RunParams } from './run-details.dto';
import { RunService } from './run.service';

@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunService) {}

  @Get(':id')
  async get(@ZodParams(runParamsSchema) params: RunParams): Promise<RunDetails> {
    const { run, taskRuns } = await this.runs.get(params.id);
    return toRunDetails(run, taskRuns);
  }
}
