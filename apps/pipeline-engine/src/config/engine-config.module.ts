import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EngineConfig } from './env';

/** Injection token of the parsed, frozen EngineConfig. */
export const ENGINE_CONFIG = Symbol('ENGINE_CONFIG');

/** Makes the config injectable everywhere: `@Inject(ENGINE_CONFIG) config: EngineConfig`. */
@Global()
@Module({})
export class EngineConfigModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: EngineConfigModule,
      providers: [{ provide: ENGINE_CONFIG, useValue: config }],
      exports: [ENGINE_CONFIG],
    };
  }
}
