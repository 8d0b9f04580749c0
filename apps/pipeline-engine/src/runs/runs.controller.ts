import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { startRunRequestSchema, type StartRunRequest } from '@pipewright/contracts';
import { ZodBody, ZodParams } from '@pipewright/service-runtime';
import { z } from 'zod';
import type { QueuedRunDto, RunDto } from './run.dto';
import { RunService } from './run.service';

const runParams = z.object({ id: z.uuid() });

@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunService) {}

  /** Queues a run of an inline pipeline; it starts once the build-data repository has allocated its version. */
  @Post()
  @HttpCode(201)
  async start(@ZodBody(startRunRequestSchema) request: StartRunRequest): Promise<QueuedRunDto> {
    const run = await this.runs.queue(request);
    return { id: run.id, status: run.status };
  }

  @Get(':id')
  get(@ZodParams(runParams) params: z.output<typeof runParams>): Promise<RunDto> {
    return this.runs.get(params.id);
  }
}
