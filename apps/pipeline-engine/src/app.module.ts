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
import { EngineConfigModule } from './config/engine-config.module';
import { SERVICE_NAME, type EngineConfig } from './config/env';
import { engineDataSourceOptions } from './database/data-source';
import { RunsModule } from './runs/runs.module';
import { TriggersModule } from './triggers/triggers.module';

@Module({})
export class AppModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EngineConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        TypeOrmModule.forRootAsync({
          useFactory: () => engineDataSourceOptions(config.DATABASE_URL),
          // Creates the database if missing and migrates before anything queries it.
          dataSourceFactory: (options) => openServiceDataSource(options!),
        }),
        EventBusModule.forRoot({
          brokers: [...config.KAFKA_BROKERS],
          service: SERVICE_NAME,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.cdevents, Topics.logs, Topics.commands('environment-provisioner')],
          logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'event-bus' }),
        }),
        HealthModule.forRoot({
          inject: [DataSource, EventBus],
          checks: (dataSource: DataSource, bus: EventBus) => [
            postgresCheck(dataSource),
            { name: 'kafka', check: () => bus.ping() },
          ],
        }),
        RunsModule,
        TriggersModule,
      ],
    };
  }
}
