import { hostname } from 'node:os';
import { poolNameSchema, workerIdSchema } from '@pipewright/contracts';
import { stringOption, type ParsedArgs } from '../args/command-args';
import { UsageError } from '../args/usage-error';

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
export const MAX_CONCURRENCY = 64;

export interface WorkerOptions {
  pool: string;
  /** Tasks run at the same time. */
  concurrency: number;
  workerId: string;
  brokers: string[];
  /** Same as the platform's KAFKA_TOPIC_PREFIX: the worker must read the topics the engine writes. */
  topicPrefix: string;
}

const BROKER = /^[^\s:,]+:\d{1,5}$/;

/** Flags and environment of `pipewright worker`, each checked with a message naming it (exit code 2). */
export function workerOptions(args: ParsedArgs, env: Readonly<Record<string, string | undefined>>): WorkerOptions {
  const pool = stringOption(args, 'pool');
  if (pool === undefined) throw new UsageError('--pool <name> is required: the pool whose tasks to run', 'worker');
  const poolCheck = poolNameSchema.safeParse(pool);
  if (!poolCheck.success)
    throw new UsageError(`--pool "${pool}" is not a pool name: ${poolCheck.error.issues[0]?.message}`, 'worker');

  const concurrencyText = stringOption(args, 'concurrency') ?? '1';
  const concurrency = Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
    throw new UsageError(
      `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got "${concurrencyText}")`,
      'worker',
    );

  const workerId = stringOption(args, 'id') ?? `${hostname()}-${process.pid}`;
  const idCheck = workerIdSchema.safeParse(workerId);
  if (!idCheck.success)
    throw new UsageError(`--id "${workerId}" is not a worker id: ${idCheck.error.issues[0]?.message}`, 'worker');

  const brokersText = env.KAFKA_BROKERS?.trim() || DEFAULT_KAFKA_BROKERS;
  const brokers = brokersText.split(',').map((b) => b.trim());
  const bad = brokers.find((b) => !BROKER.test(b));
  if (bad !== undefined)
    throw new UsageError(`KAFKA_BROKERS must be host:port pairs separated by commas (got "${bad}")`, 'worker');

  return { pool, concurrency, workerId, brokers, topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '' };
}
