import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Topics, allMessageDefinitions } from '@pipewright/contracts';
import { BatchEventConsumer, EventBus } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { IngestService } from './ingest.service';

/** Every message type on `pipewright.cdevents`: a type added to the contracts is logged without a change here. */
export const CDEVENT_DEFINITIONS = allMessageDefinitions.filter((d) => d.topic === Topics.cdevents);

/**
 * Reads `pipewright.cdevents` a batch at a time: each batch is applied in one transaction (runs as
 * executed, the event log). The event log is keyed by the CloudEvent id, so it recognizes redeliveries
 * itself (see IngestService).
 */
@Injectable()
export class CDEventsIngestConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchEventConsumer;

  constructor(
    bus: EventBus,
    dataSource: DataSource,
    ingest: IngestService,
    @Inject(BUILD_DATA_CONFIG) config: BuildDataConfig,
  ) {
    this.consumer = new BatchEventConsumer({
      bus,
      dataSource,
      // The group of the per-message consumer this replaced: an upgraded service continues where it stopped.
      name: 'run-events',
      definitions: CDEVENT_DEFINITIONS,
      handler: (messages, { manager }) => ingest.apply(manager, messages),
      deduplication: 'handler',
      members: config.INGEST_CONCURRENCY,
      maxMessagesPerTransaction: config.INGEST_BATCH_SIZE,
      // Fetches big enough to fill a transaction (our events are about 1 KiB each).
      maxBytesPerPartition: config.INGEST_BATCH_SIZE * 2_048,
    });
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  // Before application shutdown, when the bus and the database close: a batch in flight finishes first.
  onModuleDestroy() {
    return this.consumer.stop();
  }
}
