import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProcessedMessagesPruner } from '../consumer/processed-messages-pruner';
import { EventBus, type EventBusOptions } from '../event-bus';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxWriter } from '../outbox/outbox-writer';

export interface EventBusModuleOptions extends EventBusOptions {
  /** Logical topics this service publishes to or consumes: created (with their .dlq) at start. */
  topics: readonly string[];
  /** Run the outbox relay in this process (default true). */
  relay?: boolean;
  /** Days processed-message records are kept before pruning (default 7; see ProcessedMessagesPruner). */
  processedMessagesRetentionDays?: number;
}

const OPTIONS = Symbol('EventBusModuleOptions');

/** Connects the bus before consumers start and runs the outbox relay for the app's lifetime. */
@Injectable()
class EventBusLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private relay?: OutboxRelay;
  private pruner?: ProcessedMessagesPruner;

  constructor(
    private readonly bus: EventBus,
    private readonly dataSource: DataSource,
    @Inject(OPTIONS) private readonly options: EventBusModuleOptions,
  ) {}

  async onModuleInit() {
    await this.bus.connect();
    await this.bus.ensureTopics(this.options.topics);
  }

  async onApplicationBootstrap() {
    this.pruner = new ProcessedMessagesPruner({
      dataSource: this.dataSource,
      logger: this.bus.logger,
      ...(this.options.processedMessagesRetentionDays === undefined
        ? {}
        : { retentionDays: this.options.processedMessagesRetentionDays }),
    });
    this.pruner.start();
    if (this.options.relay === false) return;
    this.relay = new OutboxRelay({ dataSource: this.dataSource, bus: this.bus, pollIntervalMs: 200 });
    await this.relay.start();
  }

  // Before any module's shutdown hook: the relay must finish its transaction while TypeORM's connection is open.
  async beforeApplicationShutdown() {
    await this.pruner?.stop();
    await this.relay?.stop();
  }

  async onApplicationShutdown() {
    await this.bus.disconnect();
  }
}

/**
 * Provides `EventBus` (for consumers and health checks) and `OutboxWriter` (to publish
 * inside a transaction). Needs TypeORM's DataSource in the app (TypeOrmModule.forRoot).
 */
@Module({})
export class EventBusModule {
  static forRoot(options: EventBusModuleOptions): DynamicModule {
    return {
      module: EventBusModule,
      global: true,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: EventBus, useFactory: () => new EventBus(options) },
        { provide: OutboxWriter, useFactory: (bus: EventBus) => new OutboxWriter(bus.source), inject: [EventBus] },
        EventBusLifecycle,
      ],
      exports: [EventBus, OutboxWriter],
    };
  }
}
