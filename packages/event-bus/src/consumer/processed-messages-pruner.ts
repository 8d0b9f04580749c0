import type { DataSource } from 'typeorm';
import type { BusLogger } from '../logger';
import { ProcessedMessage } from './processed-message.entity';

export const DEFAULT_PROCESSED_MESSAGES_RETENTION_DAYS = 7;

export interface ProcessedMessagesPrunerOptions {
  dataSource: DataSource;
  logger: BusLogger;
  /**
   * How long a processed message's record is kept (default 7 days). A redelivery after that is applied
   * again, so it must exceed any redelivery window: Kafka redelivers what was fetched but not committed
   * (seconds to minutes after a crash or rebalance) and the outbox relay re-publishes rows it could not
   * mark sent (as soon as it runs again); a week also covers a consumer group reset to an old offset.
   */
  retentionDays?: number;
  /** Between pruning passes (default 1 hour). */
  intervalMs?: number;
  /** Rows deleted per statement (default 1000): short transactions, no long lock on the table. */
  batchSize?: number;
}

const DAY_MS = 24 * 60 * 60 * 1_000;

/**
 * Deletes processed_messages rows older than the retention, so the table does not grow without bound.
 * One instance of a service prunes at a time (a session advisory lock; the others skip their pass), in
 * small batches. No index on processed_at (it would cost every consumer a write per message): each batch
 * continues after the last row it deleted (`ctid`), so a pass reads the table about once.
 */
export class ProcessedMessagesPruner {
  private readonly retentionMs: number;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly options: ProcessedMessagesPrunerOptions) {
    const days = options.retentionDays ?? DEFAULT_PROCESSED_MESSAGES_RETENTION_DAYS;
    if (!(days > 0)) throw new Error(`processed-messages retention must be positive, got ${days} days`);
    this.retentionMs = days * DAY_MS;
    this.intervalMs = options.intervalMs ?? 60 * 60 * 1_000;
    this.batchSize = options.batchSize ?? 1_000;
  }

  /** Prunes now (in the background) and then every interval. */
  start(): void {
    if (this.timer) return;
    const pass = () => {
      if (this.running) return;
      this.running = this.pruneOnce()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'pruning processed messages failed'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(pass, this.intervalMs).unref();
    pass();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: deletes every row older than the retention; 0 when another instance is pruning. */
  async pruneOnce(now: Date = new Date()): Promise<number> {
    const metadata = this.options.dataSource.getMetadata(ProcessedMessage);
    const lockKey = `${metadata.schema ?? 'public'}.processed_messages.prune`;
    const cutoff = new Date(now.getTime() - this.retentionMs);
    const runner = this.options.dataSource.createQueryRunner();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
        lockKey,
      ])) as { locked: boolean }[];
      if (!lock?.locked) return 0;
      try {
        let total = 0;
        let after = '(0,0)';
        for (;;) {
          const [batch] = (await runner.query(
            `WITH gone AS (
               DELETE FROM ${metadata.tablePath} WHERE ctid = ANY(ARRAY(
                 SELECT ctid FROM ${metadata.tablePath} WHERE ctid > $1::tid AND processed_at < $2 LIMIT $3))
               RETURNING ctid
             )
             SELECT count(*)::int AS deleted, max(ctid)::text AS last FROM gone`,
            [after, cutoff, this.batchSize],
          )) as { deleted: number; last: string | null }[];
          total += batch?.deleted ?? 0;
          if (!batch?.last || batch.deleted < this.batchSize) break;
          after = batch.last;
        }
        if (total > 0) this.options.logger.info({ deleted: total, before: cutoff }, 'pruned processed messages');
        return total;
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
      }
    } finally {
      await runner.release();
    }
  }
}
