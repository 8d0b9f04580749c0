import { z } from 'zod';

/** A host name or IP literal as URLs write it (lower case; IPv6 without brackets). */
const hostSchema = z
  .string()
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^[0-9a-f:.]+$/i, {
    message: 'must be host names or IP addresses, comma-separated',
  })
  .transform((host) => host.toLowerCase());

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

  // Where webhooks may go. By default not to this host or the networks behind it (loopback, private,
  // link-local incl. cloud metadata, unique-local, multicast, unspecified): a subscription must not turn
  // the service into a way to reach them. A self-hosted install delivering to internal hosts lists them.
  /** Hosts (exactly as in the URL) delivered to whatever they resolve to, e.g. `hooks.internal,10.0.0.7`. */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    )
    .pipe(z.array(hostSchema)),
  /** `true`: deliver to internal addresses too (every host allowed). */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
};
