import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PipelineRunFinished } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { TriggerService } from './trigger.service';

/** Finished runs of any engine, for the triggers that wait on an upstream component's success. */
@Injectable()
export class UpstreamRunsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(bus: EventBus, dataSource: DataSource, triggers: TriggerService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'upstream-runs' }).on(PipelineRunFinished, (event) =>
      triggers.onRunFinished(event),
    );
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  onApplicationShutdown() {
    return this.consumer.stop();
  }
}
