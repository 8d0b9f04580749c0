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
import { SERVICE_NAME, type CostReporterConfig } from './config/env';
import { CostsModule } from './costs/costs.module';
import { costDataSourceOptions } from './database/data-source';
import type { PriceCatalog } from './prices/price-catalog';
import { PricesModule } from './prices/prices.module';
import { ResourcesModule } from './resources/resources.module';

@Module({})
export class AppModule {
  static forRoot(config: CostReporterConfig, catalog: PriceCatalog): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        TypeOrmModule.forRootAsync({
          useFactory: () => costDataSourceOptions(config.DATABASE_URL),
          // Creates the database if missing and migrates before anything queries it.
          dataSourceFactory: (options) => openServiceDataSource(options!),
        }),
        EventBusModule.forRoot({
          brokers: [...config.KAFKA_BROKERS],
          service: SERVICE_NAME,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.cdevents],
          logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ component: 'event-bus' }),
          // Nothing here writes an outbox yet (`pipewright-cost.reported` will).
          relay: false,
        }),
        HealthModule.forRoot({
          inject: [DataSource, EventBus],
          checks: (dataSource: DataSource, bus: EventBus) => [
            postgresCheck(dataSource),
            { name: 'kafka', check: () => bus.ping() },
          ],
        }),
        PricesModule.forRoot(catalog),
        ResourcesModule,
        CostsModule,
      ],
    };
  }
}
