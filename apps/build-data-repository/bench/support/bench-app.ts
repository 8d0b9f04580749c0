import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix, type PostgresService } from '@pipewright/testing';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { envSchema } from '../../src/config/env';

export interface BenchServices {
  brokers: string[];
  database: PostgresService;
  topicPrefix: string;
}

/** A fresh database and topic prefix on the test services (KAFKA_BROKERS, DATABASE_URL), like the tests use. */
export async function benchServices(): Promise<BenchServices> {
  const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
  return { brokers, database, topicPrefix: topicPrefix() };
}

export interface BenchApp {
  app: INestApplication;
  dataSource: DataSource;
  baseUrl: string;
  close(): Promise<void>;
}

/** The service as `node dist/main.js` runs it, in this process, listening on a free port. */
export async function startBenchApp(services: BenchServices, env: Record<string, string> = {}): Promise<BenchApp> {
  const config = parseConfig(envSchema, {
    DATABASE_URL: services.database.url,
    KAFKA_BROKERS: services.brokers.join(','),
    KAFKA_TOPIC_PREFIX: services.topicPrefix,
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...env,
  });
  const app = configureServiceApp(await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    dataSource: app.get(DataSource),
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => app.close(),
  };
}
