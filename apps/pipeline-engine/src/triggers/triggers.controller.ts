import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ZodParams } from '@pipewright/service-runtime';
import { z } from 'zod';
import { parseCreateTrigger, type TriggerDto } from './create-trigger.dto';
import { TriggerService } from './trigger.service';

const triggerParams = z.object({ id: z.uuid() });

/** Registering what starts a component's runs besides `POST /runs`. */
@Controller('triggers')
export class TriggersController {
  constructor(private readonly triggers: TriggerService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<TriggerDto> {
    return this.triggers.create(parseCreateTrigger(body));
  }

  @Get()
  list(): Promise<TriggerDto[]> {
    return this.triggers.list();
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@ZodParams(triggerParams) params: z.output<typeof triggerParams>): Promise<void> {
    await this.triggers.delete(params.id);
  }
}
