import { z } from 'zod';

/** Environment variables of webhook deliveries (part of the service's env schema, config/env.ts). */
export const webhookEnv = {
  /** Attempts per delivery before it is dead-lettered (status `dead`). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Wait after the first failed attempt; it doubles after each further one. */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(10_000),
  /** The longest wait between two attempts. */
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  /** How long a receiver has to answer one attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts in flight at once, per instance. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How often the worker looks for new events and due deliveries when it found none. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
};
