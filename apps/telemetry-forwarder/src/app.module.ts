import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Topics } from '@pipewright/contracts';
import { EventBus, EventBusModule } from '@pipewright/event-bus';
import {
  createLogger,
  HealthModule,
  LoggingModule,
  openServiceDataSource,
  postgresCheck,
} from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { SERVICE_NAME, type ForwarderConfig } from './config/env';
import { forwarderDataSourceOptions } from './database/data-source';
import { LogsModule } from './logs/logs.module';
import { RunsModule } from './runs/runs.module';
import { SinksModule } from './sinks/sinks.module';

@Module({})
export class AppModule {
  static forRoot(config: ForwarderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        TypeOrmModule.forRootAsync({
          useFactory: () => forwarderDataSourceOptions(config.DATABASE_URL),
          // Creates the database if missing and migrates before anything queries it.
          dataSourceFactory: (options) => openServiceDataSource(options!),
        }),
        EventBusModule.forRoot({
          brokers: [...config.KAFKA_BROKERS],
          service: SERVICE_NAME,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.logs, Topics.cdevents],
          logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'event-bus' }),
          // Nothing here writes an outbox: the forwarder only consumes.
          relay: false,
        }),
        HealthModule.forRoot({
          inject: [DataSource, EventBus],
          checks: (dataSource: DataSource, bus: EventBus) => [
            postgresCheck(dataSource),
            { name: 'kafka', check: () => bus.ping() },
          ],
        }),
        SinksModule.forRoot(config),
        LogsModule,
        RunsModule,
      ],
    };
  }
}
