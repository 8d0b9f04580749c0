import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { BearerAuthGuard } from './bearer-auth.guard';
import type { TokenRegistry } from './token-file';

export interface AuthModuleOptions {
  /** The tokens file's entries; undefined leaves the API open (and says so at start). */
  readonly tokens: TokenRegistry | undefined;
  /** The variable that names the tokens file, for the warning. */
  readonly variable: string;
}

const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** Bearer tokens on every route of the service (see BearerAuthGuard); `@Public()` opts a route out. */
@Module({})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions) {}

  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        {
          provide: APP_GUARD,
          inject: [Reflector],
          useFactory: (reflector: Reflector) => new BearerAuthGuard(options.tokens, reflector),
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    const { tokens, variable } = this.options;
    if (tokens === undefined)
      this.logger.warn(
        { variable },
        `${variable} is not set: the HTTP API is open to anyone who can reach it (fine on a laptop, never on a shared network)`,
      );
    else this.logger.log({ tokens: tokens.entries.length }, 'bearer tokens required');
  }
}
