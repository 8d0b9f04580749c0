import { Body, Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { type Caller, CurrentCaller, ZodParams } from '@pipewright/service-runtime';
import { z } from 'zod';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { parseCreateTrigger, type TriggerDto } from './create-trigger.dto';
import { assertWorkspaceAccess, visibleTriggers } from './trigger-access';
import { TriggerService } from './trigger.service';
import { TriggerNotFound } from './trigger.errors';

const triggerParams = z.object({ id: z.uuid() });

/**
 * Registering what starts a component's runs besides `POST /runs`. A team token manages the triggers
 * of its teams' pipelines (the team its workspace's pipewright.yml names).
 */
@Controller('triggers')
export class TriggersController {
  constructor(
    private readonly triggers: TriggerService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<TriggerDto> {
    const trigger = parseCreateTrigger(body);
    assertWorkspaceAccess(caller, trigger.workspace, this.config.PIPEWRIGHT_FLAVOURS_DIRS);
    return this.triggers.create(trigger);
  }

  @Get()
  async list(@CurrentCaller() caller: Caller): Promise<TriggerDto[]> {
    return visibleTriggers(caller, await this.triggers.list(), this.config.PIPEWRIGHT_FLAVOURS_DIRS);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @ZodParams(triggerParams) params: z.output<typeof triggerParams>,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    if (caller.kind === 'token' && !caller.admin) {
      const trigger = (await this.triggers.list()).find((t) => t.id === params.id);
      if (!trigger) throw new TriggerNotFound(params.id);
      assertWorkspaceAccess(caller, trigger.workspace, this.config.PIPEWRIGHT_FLAVOURS_DIRS);
    }
    await this.triggers.delete(params.id);
  }
}
