import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureServiceApp, parseConfig } from '@pipewright/service-runtime';
import { AppModule } from '../../src/app.module';
import { envSchema } from '../../src/config/env';

/** The engine booted in this process (as main.ts does, without listening), against the given database and topics. */
export async function startEngineApp(env: Record<string, string>): Promise<INestApplication> {
  const config = parseConfig(envSchema, { LOG_LEVEL: 'warn', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = configureServiceApp(moduleRef.createNestApplication());
  await app.init();
  return app;
}
