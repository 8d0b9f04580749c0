import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { LogLines } from '@pipewright/contracts';
import { EventBus, EventConsumer } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { LogForwardingService } from './log-forwarding.service';

/** `pipewright.logs` -> the sinks. */
@Injectable()
export class LogLinesConsumer implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;
  private stopping?: Promise<void>;

  constructor(bus: EventBus, dataSource: DataSource, logs: LogForwardingService) {
    this.consumer = new EventConsumer({ bus, dataSource, name: 'log-lines' }).on(
      LogLines,
      async (batch, { manager }) => {
        await logs.forward(manager, batch);
      },
    );
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
