import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'pipeline-engine';
export const SCHEMA = 'engine';

export const envSchema = baseServiceEnv({ port: 3001 }).extend({
  /** How long a stage waits for its environment to be created before the stage fails. */
  PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(86_400).default(120),
});

export type EngineConfig = z.output<typeof envSchema>;
