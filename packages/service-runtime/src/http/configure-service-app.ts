import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { type ErrorStatusMap } from '../errors/problem-details';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';

export interface ServiceAppOptions {
  /** Domain error codes -> HTTP status, for codes the suffix rules (`.not_found`, ...) don't cover. */
  readonly errorStatuses?: ErrorStatusMap;
}

/**
 * What every service app gets, in production (`bootstrapService`) and in tests alike: Nest's logger routed
 * through pino (the app module must import `LoggingModule.forRoot`) and the global problem-details filter.
 */
export function configureServiceApp<T extends INestApplication>(app: T, options: ServiceAppOptions = {}): T {
  let logger: Logger;
  try {
    logger = app.get(Logger);
  } catch (error) {
    throw new Error('configureServiceApp: import LoggingModule.forRoot(...) in the app module', { cause: error });
  }
  app.useLogger(logger);
  app.useGlobalFilters(new ProblemDetailsFilter(options.errorStatuses));
  return app;
}
