import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PipelineRunFinished, TaskRunFinished } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { RunMetricsService } from './run-metrics.service';

/**
 * Finished task and pipeline runs from `pipewright.cdevents`. The consumer's transaction records
 * each event id, so a redelivered event is not counted twice.
 */
@Injectable()
export class RunEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;
  private stopping?: Promise<void>;

  constructor(bus: EventBus, dataSource: DataSource, metrics: RunMetricsService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'run-events' })
      .on(TaskRunFinished, async (event) => metrics.taskRunFinished(event))
      .on(PipelineRunFinished, async (event) => metrics.pipelineRunFinished(event));
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  /**
   * Stopping waits for the fetch in flight (seconds), and Nest runs each module's hooks in turn: starting
   * every consumer's stop here and awaiting it in the next phase lets them drain together.
   */
  onModuleDestroy() {
    this.stopping = this.consumer.stop();
    // Awaited (and so reported) in beforeApplicationShutdown; this only keeps an early rejection from being unhandled.
    this.stopping.catch(() => undefined);
  }

  /** Before the sinks close (application shutdown): nothing is written to a closed sink. */
  beforeApplicationShutdown() {
    return this.stopping;
  }
}
