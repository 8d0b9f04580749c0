import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { platformModules } from '@pipewright/service-runtime';
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
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          dataSourceOptions: forwarderDataSourceOptions,
          topics: [Topics.logs, Topics.cdevents],
          // Nothing here writes an outbox: the forwarder only consumes.
          relay: false,
        }),
        SinksModule.forRoot(config),
        LogsModule,
        RunsModule,
      ],
    };
  }
}
