import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { AuthModule, loadTokensFile, platformModules, type TokenRegistry } from '@pipewright/service-runtime';
import { CancellationModule } from './cancellation/cancellation.module';
import { EngineConfigModule } from './config/engine-config.module';
import { SERVICE_NAME, type EngineConfig } from './config/env';
import { engineDataSourceOptions } from './database/data-source';
import { LogsModule } from './logs/logs.module';
import { RerunsModule } from './reruns/reruns.module';
import { RunsModule } from './runs/runs.module';
import { TriggersModule } from './triggers/triggers.module';
import { WorkersModule } from './workers/workers.module';

@Module({})
export class AppModule {
  /**
   * `tokens`: the entries of PIPEWRIGHT_TOKENS_FILE, as main.ts loaded them (read here when not given,
   * as in tests); none: the API is open.
   */
  static forRoot(config: EngineConfig, tokens?: TokenRegistry): DynamicModule {
    const file = config.PIPEWRIGHT_TOKENS_FILE;
    tokens ??= file === undefined ? undefined : loadTokensFile(file);
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
        AuthModule.forRoot({ tokens, variable: 'PIPEWRIGHT_TOKENS_FILE' }),
        WorkersModule,
        RunsModule,
        CancellationModule,
        RerunsModule,
        LogsModule,
        TriggersModule,
      ],
    };
  }
}
