import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentCreated, EnvironmentDeleted, EnvironmentFailed } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { EnvironmentService } from './environment.service';

/** The provisioner's answers about the environments our stages asked for. */
@Injectable()
export class EnvironmentEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(bus: EventBus, dataSource: DataSource, environments: EnvironmentService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'environment-events' })
      .on(EnvironmentCreated, (event, { manager }) => environments.recordCreated(manager, event))
      .on(EnvironmentFailed, (event, { manager }) => environments.recordFailed(manager, event))
      .on(EnvironmentDeleted, (event, { manager }) => environments.recordDeleted(manager, event));
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  onApplicationShutdown() {
    return this.consumer.stop();
  }
}
