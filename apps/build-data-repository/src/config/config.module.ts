import { type DynamicModule, Module } from '@nestjs/common';
import type { BuildDataConfig } from './env';

export const BUILD_DATA_CONFIG = Symbol('BuildDataConfig');

/** Makes the parsed, frozen config injectable everywhere: `@Inject(BUILD_DATA_CONFIG) config: BuildDataConfig`. */
@Module({})
export class ConfigModule {
  static forRoot(config: BuildDataConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: BUILD_DATA_CONFIG, useValue: config }],
      exports: [BUILD_DATA_CONFIG],
    };
  }
}
