import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';
import { doraEnv } from '../dora/dora.env';
import { webhookEnv } from '../subscriptions/webhook.env';

export const SERVICE_NAME = 'build-data-repository';

export const envSchema = baseServiceEnv({ port: 3002 }).extend({
  /**
   * Kafka partitions of `pipewright.cdevents` ingested in parallel, each by its own consumer group member
   * (see BatchEventConsumer's `members`). Events of one run share a partition, so they are still applied
   * in order; different runs (and components) proceed side by side.
   */
  // At most 4: each member holds one of the pool's 10 connections for its batch's transaction (versions are
  // allocated in that transaction too); the others serve the API, the outbox relay and webhook deliveries.
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(4).default(4),
  ...doraEnv,
  ...webhookEnv,
  /** CDEvents applied in one transaction: bigger batches ingest faster and hold locks longer. */
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(2_500),
  /** Seconds between heartbeat comments on live event streams (proxies close idle connections). */
  STREAM_HEARTBEAT_SECONDS: z.coerce.number().min(0.05).max(300).default(15),
});

export type BuildDataConfig = Readonly<z.output<typeof envSchema>>;
