import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ZodParams } from '@pipewright/service-runtime';
import { z } from 'zod';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { resolveRunDefinition } from './run-definition';
import type { QueuedRunDto, RunDto } from './run.dto';
import { RunService } from './run.service';
import { parseStartRunBody } from './start-run.dto';

const runParams = z.object({ id: z.uuid() });

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /**
   * Queues a run: of an inline pipeline (contracts' StartRunRequest), or of the workspace's
   * pipewright.yml (given as `pipelineYaml`, or read from the workspace), or of a resolved `graph`.
   * It starts once the build-data repository has allocated its version.
   */
  @Post()
  @HttpCode(201)
  async start(@Body() body: unknown): Promise<QueuedRunDto> {
    const definition = resolveRunDefinition(parseStartRunBody(body), {
      flavourDirs: this.config.PIPEWRIGHT_FLAVOURS_DIRS,
    });
    const run = await this.runs.queue(definition);
    return { id: run.id, status: run.status };
  }

  @Get(':id')
  get(@ZodParams(runParams) params: z.output<typeof runParams>): Promise<RunDto> {
    return this.runs.get(params.id);
  }
}
