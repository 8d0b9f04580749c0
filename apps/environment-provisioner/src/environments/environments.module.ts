import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENVIRONMENT_DRIVERS, type EnvironmentDrivers } from '../drivers/environment-driver';
import { LocalProcessDriver, type LocalProcessDriverOptions } from '../drivers/local-process/local-process.driver';
import { EnvironmentCommandsConsumer } from './environment-commands.consumer';
import { EnvironmentResource } from './environment-resource.entity';
import { Environment } from './environment.entity';
import { EnvironmentService } from './environment.service';
import { EnvironmentsController } from './environments.controller';

export interface EnvironmentsModuleOptions {
  readonly localProcess: LocalProcessDriverOptions;
}

@Module({})
export class EnvironmentsModule {
  static forRoot(options: EnvironmentsModuleOptions): DynamicModule {
    return {
      module: EnvironmentsModule,
      imports: [TypeOrmModule.forFeature([Environment, EnvironmentResource])],
      controllers: [EnvironmentsController],
      providers: [
        {
          provide: ENVIRONMENT_DRIVERS,
          useFactory: (): EnvironmentDrivers => ({ 'local-process': new LocalProcessDriver(options.localProcess) }),
        },
        EnvironmentService,
        EnvironmentCommandsConsumer,
      ],
    };
  }
}
