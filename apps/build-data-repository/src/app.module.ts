import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { platformModules } from '@pipewright/service-runtime';
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
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          dataSourceOptions: dataSourceOptions,
          topics: [Topics.cdevents],
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
