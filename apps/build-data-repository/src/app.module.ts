import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Topics } from '@pipewright/contracts';
import { EventBus, EventBusModule } from '@pipewright/event-bus';
import {
  HealthModule,
  LoggingModule,
  createLogger,
  openServiceDataSource,
  postgresCheck,
} from '@pipewright/service-runtime';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ComponentsModule } from './components/components.module';
import { ConfigModule } from './config/config.module';
import { SERVICE_NAME, type BuildDataConfig } from './config/env';
import { dataSourceOptions } from './database/data-source';
import { EventsModule } from './events/events.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { OpenApiModule } from './openapi/openapi.module';
import { StreamModule } from './stream/stream.module';
import { RunsModule } from './runs/runs.module';
import { TestReportsModule } from './test-reports/test-reports.module';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { DeploymentsModule } from './deployments/deployments.module';
import { PromotionsModule } from './promotions/promotions.module';
import { DoraModule } from './dora/dora.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { VersionsModule } from './versions/versions.module';

@Module({})
export class AppModule {
  static forRoot(config: BuildDataConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config.DATABASE_URL),
          // Creates the database if missing and migrates before anything else can touch it.
          dataSourceFactory: (options?: DataSourceOptions) => openServiceDataSource(options!),
        }),
        EventBusModule.forRoot({
          brokers: [...config.KAFKA_BROKERS],
          service: SERVICE_NAME,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.cdevents],
          logger: createLogger(SERVICE_NAME, config.LOG_LEVEL).child({ module: 'event-bus' }),
        }),
        HealthModule.forRoot({
          inject: [DataSource, EventBus],
          checks: (dataSource: DataSource, bus: EventBus) => [
            postgresCheck(dataSource),
            { name: 'kafka', check: () => bus.ping() },
          ],
        }),
        EventsModule,
        ComponentsModule,
        VersionsModule,
        RunsModule,
        IngestionModule,
        StreamModule,
        TestReportsModule,
        ArtifactsModule,
        DeploymentsModule,
        PromotionsModule,
        DoraModule,
        SubscriptionsModule,
        OpenApiModule,
      ],
    };
  }
}
