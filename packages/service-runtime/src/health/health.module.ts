import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { DEFAULT_CHECK_TIMEOUT_MS, type HealthCheck } from './health-check';
import { HealthController } from './health.controller';
import { HEALTH_CHECK_TIMEOUT_MS, HEALTH_CHECKS } from './health.tokens';

export interface HealthModuleOptions {
  /** Builds the readiness checks from the injected providers, in `inject` order. */
  readonly checks: (...deps: never[]) => readonly HealthCheck[];
  readonly inject?: readonly InjectionToken[];
  readonly imports?: ModuleMetadata['imports'];
  /** Per check; default 2000 ms. */
  readonly timeoutMs?: number;
}

/**
 * `GET /health/live` and `GET /health/ready`:
 * `HealthModule.forRoot({ inject: [DataSource], checks: (ds: DataSource) => [postgresCheck(ds)] })`.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        {
          provide: HEALTH_CHECKS,
          useFactory: (...deps: unknown[]) => options.checks(...(deps as never[])),
          inject: [...(options.inject ?? [])],
        },
        { provide: HEALTH_CHECK_TIMEOUT_MS, useValue: options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS },
      ],
    };
  }
}
