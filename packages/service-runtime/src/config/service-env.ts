import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/pipewright';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** A TCP port; 0 lets the OS pick one (useful in tests). */
export function envPort(defaultPort: number) {
  return z.coerce.number().int().min(0).max(65535).default(defaultPort);
}

/** A comma-separated list, e.g. `a:9092, b:9092` -> `['a:9092', 'b:9092']`. */
export function envList(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(z.array(z.string()).min(1, 'expected at least one comma-separated value'));
}

/** `true/false`, `1/0`, `yes/no`, `on/off`. (`z.coerce.boolean()` would read "false" as true.) */
export function envBoolean(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'expected true/false, 1/0, yes/no or on/off',
    })
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
    .default(defaultValue);
}

/**
 * The variables every service reads. Services add their own with `.extend()`:
 * `export const envSchema = baseServiceEnv({ port: 3001 }).extend({ WORKERS: envPort(4) })`.
 */
export function baseServiceEnv(defaults: { port: number }) {
  return z.object({
    PORT: envPort(defaults.port),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' })
      .default(DEFAULT_DATABASE_URL),
    KAFKA_BROKERS: envList(DEFAULT_KAFKA_BROKERS).pipe(
      z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port, comma-separated')),
    ),
    KAFKA_TOPIC_PREFIX: z.string().default(''),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /**
     * Days a consumer remembers a message id it processed (redeliveries within them are skipped). Longer
     * than any redelivery window; older records are pruned (ProcessedMessagesPruner of the event bus).
     */
    PROCESSED_MESSAGES_RETENTION_DAYS: z.coerce.number().positive().max(3_650).default(7),
  });
}

export type BaseServiceEnv = z.output<ReturnType<typeof baseServiceEnv>>;
