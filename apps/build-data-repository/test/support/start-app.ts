import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Topics, deadLetterTopic } from '@pipewright/contracts';
import { EventBus, EventTap } from '@pipewright/event-bus';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { kafka, postgres, topicPrefix } from '@pipewright/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { envSchema } from '../../src/config/env';

export interface TestApp {
  app: INestApplication;
  http: Server;
  dataSource: DataSource;
  /** A client of the bus playing the engine: publishes run events the way it does. */
  engine: EventBus;
  /** Everything on `pipewright.cdevents` and its dead-letter topic, from the beginning. */
  tap: EventTap;
  /** Stops the service and starts it again on the same database and topics, as after a crash or deploy. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The service in-process against real Kafka and a fresh database, with topics of its own (topicPrefix).
 * `env` sets further variables (e.g. short webhook backoffs).
 */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
  const config = parseConfig(envSchema, {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix(),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: '0',
    ...env,
  });
  const boot = async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    const booted = configureServiceApp(moduleRef.createNestApplication());
    await booted.init();
    return booted;
  };
  const app = await boot();

  const engine = new EventBus({ brokers, service: 'pipeline-engine', topicPrefix: topicPrefix() });
  await engine.connect();
  const tap = await EventTap.open(engine, [Topics.cdevents, deadLetterTopic(Topics.cdevents)]);

  const testApp: TestApp = {
    app,
    http: app.getHttpServer() as Server,
    dataSource: app.get(DataSource),
    engine,
    tap,
    restart: async () => {
      await testApp.app.close();
      const restarted = await boot();
      Object.assign(testApp, {
        app: restarted,
        http: restarted.getHttpServer() as Server,
        dataSource: restarted.get(DataSource),
      });
    },
    close: async () => {
      await tap.close();
      await engine.disconnect();
      await testApp.app.close();
      await database.drop();
    },
  };
  return testApp;
}
