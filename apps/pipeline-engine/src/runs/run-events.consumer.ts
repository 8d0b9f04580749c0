import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { VersionAllocated } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { RunService } from './run.service';

/** The build-data repository's answers to our queued runs. */
@Injectable()
export class RunEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(bus: EventBus, dataSource: DataSource, runs: RunService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'run-events' }).on(
      VersionAllocated,
      (event, { manager }) => runs.recordVersion(manager, event),
    );
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  onApplicationShutdown() {
    return this.consumer.stop();
  }
}
