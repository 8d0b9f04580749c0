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
import type { ProvisionerConfig } from './config/env';
import { SERVICE_NAME } from './config/service-name';
import { dataSourceOptions } from './database/data-source';
import { EnvironmentsModule } from './environments/environments.module';

@Module({})
export class AppModule {
  /** Everything comes from the validated config, so tests boot the same module with their own database and topics. */
  static forRoot(config: ProvisionerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config.DATABASE_URL),
          // Creates the database if missing and migrates before anything else can touch it.
          dataSourceFactory: (options) => openServiceDataSource(options!),
        }),
        EventBusModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          service: SERVICE_NAME,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.commands('environment-provisioner'), Topics.cdevents],
          logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'event-bus' }),
        }),
        HealthModule.forRoot({
          inject: [DataSource, EventBus],
          checks: (dataSource: DataSource, bus: EventBus) => [
            postgresCheck(dataSource),
            { name: 'kafka', check: () => bus.ping() },
          ],
        }),
        EnvironmentsModule.forRoot({
          localProcess: {
            logDir: config.PROVISIONER_LOG_DIR,
            stopGraceMs: config.PROVISIONER_STOP_GRACE_SECONDS * 1_000,
          },
        }),
      ],
    };
  }
}
