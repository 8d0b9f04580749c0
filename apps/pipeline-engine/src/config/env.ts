import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'pipeline-engine';
export const SCHEMA = 'engine';

export const envSchema = baseServiceEnv({ port: 3001 }).extend({
  /** How long a stage waits for its environment to be created (counted from the request) before the stage errors. */
  PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(86_400).default(120),
  /** Stages of one run that run at the same time (a stage waiting for approval does not count). */
  PIPEWRIGHT_ENGINE_STAGE_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /**
   * The platform's flavour folders (comma-separated absolute paths), searched after a repository's own
   * `.pipewright/flavours` when a pipewright.yml names a flavour.
   */
  PIPEWRIGHT_FLAVOURS_DIRS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(z.array(z.string().startsWith('/', 'expected absolute paths, comma-separated'))),
});

export type EngineConfig = z.output<typeof envSchema>;
