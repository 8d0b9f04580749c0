import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBus, EventBusModule } from '@pipewright/event-bus';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { BaseServiceEnv } from '../config/service-env';
import { openServiceDataSource } from '../database/open-service-data-source';
import { postgresCheck } from '../health/postgres.check';
import { HealthModule } from '../health/health.module';
import { createLogger } from '../logging/create-logger';
import { LoggingModule } from '../logging/logging.module';

export interface PlatformModulesOptions {
  serviceName: string;
  config: Pick<BaseServiceEnv, 'DATABASE_URL' | 'KAFKA_BROKERS' | 'KAFKA_TOPIC_PREFIX' | 'LOG_LEVEL'> &
    Partial<Pick<BaseServiceEnv, 'PROCESSED_MESSAGES_RETENTION_DAYS'>>;
  /** The service's one DataSource definition (also used by the TypeORM CLI). */
  dataSourceOptions: (databaseUrl: string) => DataSourceOptions;
  /** Logical topics the service publishes to or consumes (created with their .dlq at start). */
  topics: readonly string[];
  /** Run the outbox relay (default true); off for services that only consume. */
  relay?: boolean;
}

/**
 * What every service imports before its own features: pino logging, its database (created if
 * missing and migrated before anything queries it), the event bus with its outbox relay, and
 * `/health/live|ready` checking PostgreSQL and Kafka.
 */
export function platformModules(options: PlatformModulesOptions): DynamicModule[] {
  const { serviceName, config } = options;
  return [
    LoggingModule.forRoot({ serviceName, level: config.LOG_LEVEL }),
    TypeOrmModule.forRootAsync({
      useFactory: () => options.dataSourceOptions(config.DATABASE_URL),
      dataSourceFactory: (dataSourceOptions?: DataSourceOptions) => openServiceDataSource(dataSourceOptions!),
    }),
    EventBusModule.forRoot({
      brokers: [...config.KAFKA_BROKERS],
      service: serviceName,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      topics: options.topics,
      logger: createLogger(serviceName, config.LOG_LEVEL).child({ component: 'event-bus' }),
      ...(options.relay === false ? { relay: false } : {}),
      ...(config.PROCESSED_MESSAGES_RETENTION_DAYS === undefined
        ? {}
        : { processedMessagesRetentionDays: config.PROCESSED_MESSAGES_RETENTION_DAYS }),
    }),
    HealthModule.forRoot({
      inject: [DataSource, EventBus],
      checks: (dataSource: DataSource, bus: EventBus) => [
        postgresCheck(dataSource),
        { name: 'kafka', check: () => bus.ping() },
      ],
    }),
  ];
}
