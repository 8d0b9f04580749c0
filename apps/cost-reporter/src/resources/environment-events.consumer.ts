import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { EnvironmentCreated, EnvironmentDeleted } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { ResourceLifetimeService } from './resource-lifetime.service';

/** `environment.created` / `environment.deleted` from `pipewright.cdevents` -> resource lifetimes. */
@Injectable()
export class EnvironmentEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;
  private stopping?: Promise<void>;

  constructor(bus: EventBus, dataSource: DataSource, lifetimes: ResourceLifetimeService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'environment-events' })
      .on(EnvironmentCreated, (event, { manager }) => lifetimes.recordCreated(manager, event))
      .on(EnvironmentDeleted, (event, { manager }) => lifetimes.recordDeleted(manager, event));
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  /**
   * Stopping waits for the fetch in flight (seconds), and Nest runs each module's hooks in turn: starting
   * the stop here and awaiting it in the next phase lets all consumers drain together.
   */
  onModuleDestroy() {
    this.stopping = this.consumer.stop();
    // Awaited (and so reported) in beforeApplicationShutdown; this only keeps an early rejection from being unhandled.
    this.stopping.catch(() => undefined);
  }

  beforeApplicationShutdown() {
    return this.stopping;
  }
}
