import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config/service-env';
import { createLogger } from './create-logger';

export interface LoggingModuleOptions {
  readonly serviceName: string;
  readonly level?: LogLevel;
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read them. */
  readonly destination?: DestinationStream;
}

const REQUEST_ID_HEADER = 'x-request-id';

/**
 * nestjs-pino with the service's logger: one line per request (none for `/health/*`), a request id
 * (taken from `x-request-id` or made, and echoed back), levels by status. Bootstrap then routes Nest's
 * own `Logger` through it, so services log with `new Logger(RunService.name)`.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: createLogger(options.serviceName, options.level, options.destination),
            quietReqLogger: true,
            autoLogging: { ignore: isHealthRequest },
            genReqId: requestId,
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

function isHealthRequest(req: IncomingMessage): boolean {
  return req.url?.startsWith('/health/') ?? false;
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && incoming.length > 0 && incoming.length <= 200 ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
