import { Module, type NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunsModule } from '../runs/runs.module';
import { readRawBody } from './raw-body.middleware';
import { TriggerFiring } from './trigger-firing.entity';
import { TriggerScheduler } from './trigger-scheduler';
import { Trigger } from './trigger.entity';
import { TriggerService } from './trigger.service';
import { TriggersController } from './triggers.controller';
import { UpstreamRunsConsumer } from './upstream-runs.consumer';
import { WebhooksController } from './webhooks.controller';

/** The Express app as far as this module touches it. */
interface ExpressApp {
  use(path: string, handler: typeof readRawBody): void;
  router: { stack: unknown[] };
}

@Module({
  imports: [TypeOrmModule.forFeature([Trigger, TriggerFiring]), RunsModule],
  controllers: [TriggersController, WebhooksController],
  providers: [TriggerService, TriggerScheduler, UpstreamRunsConsumer],
})
export class TriggersModule implements NestModule {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Webhook signatures are over the raw bytes, but by now the app's JSON parser is already the first
   * middleware and would consume the body. The raw-body reader is put in front of it for the webhook
   * path only; the JSON parser then finds the request finished and skips it.
   */
  configure(): void {
    const app = this.adapterHost.httpAdapter.getInstance<ExpressApp>();
    app.use('/webhooks/git', readRawBody);
    const stack = app.router.stack;
    const layer = stack.pop();
    if (layer !== undefined) stack.unshift(layer);
  }
}
