import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamicModule, type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '../logging/create-logger';
import { configureServiceApp, type ServiceAppOptions } from './configure-service-app';

export interface BootstrapOptions extends ServiceAppOptions {
  readonly serviceName: string;
  /** The app module; it must import `LoggingModule.forRoot(...)`. */
  readonly module: Type<unknown> | DynamicModule;
  /** 0 picks a free port. */
  readonly port: number;
  /** Default `0.0.0.0`. */
  readonly host?: string;
  /** Runs after Nest has closed (HTTP server, module hooks), e.g. to flush telemetry. */
  readonly onShutdown?: (signal: NodeJS.Signals) => Promise<void> | void;
  /** After a signal, exit with status 1 if closing takes longer. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
}

/**
 * Creates, configures and starts a service; logs `service listening` with its URL; on SIGTERM/SIGINT
 * closes the app, runs `onShutdown` and exits 0. A failure to start is logged and exits with status 1.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const host = options.host ?? '0.0.0.0';
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(options.module, { bufferLogs: true, abortOnError: false });
    configureServiceApp(app, options);
    await app.listen(options.port, host);
  } catch (error) {
    Logger.flush();
    createLogger(options.serviceName).fatal({ err: error }, 'service failed to start');
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  new Logger('Bootstrap').log({ url, port }, 'service listening');
  exitOnSignals(app, options);
  return app;
}

function exitOnSignals(app: INestApplication, options: BootstrapOptions): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal while shutting down, exiting now');
      process.exit(1);
    }
    closing = true;
    logger.log({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ signal }, 'shutdown timed out, exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 10_000).unref();
    const shutdown = async (): Promise<void> => {
      await app.close();
      await options.onShutdown?.(signal);
    };
    shutdown().then(
      () => {
        logger.log({ signal }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
