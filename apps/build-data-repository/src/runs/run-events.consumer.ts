import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  PipelineRunFinished,
  PipelineRunQueued,
  PipelineRunStarted,
  TaskRunFinished,
  TaskRunStarted,
} from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { RunService } from './run.service';

/** Run and task-run events from `pipewright.cdevents`, each applied once in its own transaction. */
@Injectable()
export class RunEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: EventConsumer;

  constructor(
    bus: EventBus,
    dataSource: DataSource,
    runs: RunService,
    @Inject(BUILD_DATA_CONFIG) config: BuildDataConfig,
  ) {
    this.consumer = new EventConsumer({
      bus,
      dataSource,
      name: 'run-events',
      partitionsConsumedConcurrently: config.INGEST_CONCURRENCY,
    })
      .on(PipelineRunQueued, (event, { manager, attributes }) => runs.recordQueued(manager, event, attributes))
      .on(PipelineRunStarted, (event, { manager, attributes }) => runs.recordStarted(manager, event, attributes))
      .on(PipelineRunFinished, (event, { manager, attributes }) => runs.recordFinished(manager, event, attributes))
      .on(TaskRunStarted, (event, { manager, attributes }) => runs.recordTaskStarted(manager, event, attributes))
      .on(TaskRunFinished, (event, { manager, attributes }) => runs.recordTaskFinished(manager, event, attributes));
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  // Before application shutdown, when the bus and the database close: a message in flight finishes first.
  onModuleDestroy() {
    return this.consumer.stop();
  }
}
