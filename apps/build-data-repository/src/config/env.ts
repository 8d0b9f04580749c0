import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'build-data-repository';

export const envSchema = baseServiceEnv({ port: 3002 }).extend({
  /**
   * Kafka partitions of `pipewright.cdevents` ingested in parallel. Events of one run share a partition,
   * so they are still applied in order; different runs (and components) proceed side by side.
   */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type BuildDataConfig = Readonly<z.output<typeof envSchema>>;
