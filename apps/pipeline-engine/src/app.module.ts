import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { platformModules } from '@pipewright/service-runtime';
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
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          dataSourceOptions: engineDataSourceOptions,
          topics: [Topics.cdevents, Topics.logs, Topics.commands('environment-provisioner')],
        }),
        RunsModule,
        TriggersModule,
      ],
    };
  }
}
