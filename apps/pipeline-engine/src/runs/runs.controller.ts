import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { assertTeamAccess, type Caller, CurrentCaller, ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { z } from 'zod';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { listRunsQuerySchema, type ListRunsQuery, type RunListDto } from './list-runs.dto';
import { resolveRunDefinition } from './run-definition';
import { RunListService } from './run-list.service';
import type { QueuedRunDto, RunDto } from './run.dto';
import { RunService } from './run.service';
import { parseStartRunBody } from './start-run.dto';

const runParams = z.object({ id: z.uuid() });

@Controller('runs')
export class RunsController {
  constructor(
    private readonly runs: RunService,
    private readonly runList: RunListService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /**
   * Queues a run: of an inline pipeline (contracts' StartRunRequest), or of the workspace's
   * pipewright.yml (given as `pipelineYaml`, or read from the workspace), or of a resolved `graph`.
   * It starts once the build-data repository has allocated its version. A token may start its teams' runs only.
   */
  @Post()
  @HttpCode(201)
  async start(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<QueuedRunDto> {
    const definition = resolveRunDefinition(parseStartRunBody(body), {
      flavourDirs: this.config.PIPEWRIGHT_FLAVOURS_DIRS,
    });
    assertTeamAccess(caller, definition.graph.team);
    const run = await this.runs.queue(definition, {
      type: 'http',
      ...(caller.kind === 'token' ? { by: caller.name } : {}),
    });
    return { id: run.id, status: run.status };
  }

  /** Runs newest first, filtered by component, team and status, a page at a time (`after` = the last `next`). */
  @Get()
  list(@ZodQuery(listRunsQuerySchema) query: ListRunsQuery, @CurrentCaller() caller: Caller): Promise<RunListDto> {
    return this.runList.list(query, caller);
  }

  @Get(':id')
  async get(
    @ZodParams(runParams) params: z.output<typeof runParams>,
    @CurrentCaller() caller: Caller,
  ): Promise<RunDto> {
    const run = await this.runs.get(params.id);
    assertTeamAccess(caller, run.team);
    return run;
  }
}
