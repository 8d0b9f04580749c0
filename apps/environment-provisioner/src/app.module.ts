import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@pipewright/contracts';
import { platformModules } from '@pipewright/service-runtime';
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
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          dataSourceOptions: dataSourceOptions,
          topics: [Topics.commands('environment-provisioner'), Topics.cdevents],
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
