import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentCreated, EnvironmentDeleted, EnvironmentFailed } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { EnvironmentService } from './environment.service';
import { LongLivedEnvironmentService } from './long-lived-environment.service';

const longLived = (event: { customData: { lifetime: string } }) => event.customData.lifetime === 'long-lived';

/**
 * The provisioner's answers about the environments our stages asked for (ephemeral ones), and what
 * it says of the long-lived ones stages look up.
 */
@Injectable()
export class EnvironmentEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    bus: EventBus,
    dataSource: DataSource,
    environments: EnvironmentService,
    longLivedEnvironments: LongLivedEnvironmentService,
  ) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'environment-events' })
      .on(EnvironmentCreated, (event, { manager }) =>
        longLived(event)
          ? longLivedEnvironments.recordCreated(manager, event)
          : environments.recordCreated(manager, event),
      )
      .on(EnvironmentFailed, (event, { manager }) =>
        longLived(event)
          ? longLivedEnvironments.recordFailed(manager, event)
          : environments.recordFailed(manager, event),
      )
      .on(EnvironmentDeleted, (event, { manager }) =>
        longLived(event)
          ? longLivedEnvironments.recordDeleted(manager, event)
          : environments.recordDeleted(manager, event),
      );
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  onApplicationShutdown() {
    return this.consumer.stop();
  }
}
