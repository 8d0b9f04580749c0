import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { platformModules } from '@pipewright/service-runtime';
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
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          dataSourceOptions: costDataSourceOptions,
          topics: [Topics.cdevents],
          // Nothing here writes an outbox yet (`pipewright-cost.reported` will).
          relay: false,
        }),
        PricesModule.forRoot(catalog),
        ResourcesModule,
        CostsModule,
      ],
    };
  }
}
