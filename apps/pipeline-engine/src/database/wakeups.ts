import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * In-process wake-up calls by key: a waiter subscribes *before* it reads the state it waits on,
 * so a notification that arrives while it reads is not lost. Waking is only a hint to look again;
 * the state itself lives in the database.
 */
export class Wakeups {
  private readonly subscriptions = new Map<string, Set<WakeupSubscription>>();

  subscribe(key: string): WakeupSubscription {
    const subscription = new WakeupSubscription(() => {
      const set = this.subscriptions.get(key);
      set?.delete(subscription);
      if (set?.size === 0) this.subscriptions.delete(key);
    });
    const set = this.subscriptions.get(key) ?? new Set();
    set.add(subscription);
    this.subscriptions.set(key, set);
    return subscription;
  }

  notify(key: string): void {
    for (const subscription of this.subscriptions.get(key) ?? []) subscription.wake();
  }

  /** Number of keys someone waits on (for tests and diagnostics). */
  get size(): number {
    return this.subscriptions.size;
  }
}

export class WakeupSubscription {
  private woken = false;
  private resolve?: () => void;

  constructor(private readonly unsubscribe: () => void) {}

  wake(): void {
    this.woken = true;
    this.resolve?.();
  }

  /** Resolves on a wake-up since subscribing (or the last sleep), after `ms`, or when `signal` aborts. */
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.woken || signal?.aborted) {
      this.woken = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        this.resolve = resolve;
        timer = setTimeout(resolve, ms);
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.resolve = undefined;
      this.woken = false;
    }
  }

  close(): void {
    this.unsubscribe();
  }
}

/**
 * Wake-ups that reach every engine instance sharing the database: `notify` NOTIFYs in the waker's
 * transaction (delivered when it commits, dropped if it rolls back) and each instance LISTENs on one
 * connection. Still only a hint: waiters re-read now and then anyway, in case that connection was lost.
 */
export class SharedWakeups {
  private readonly logger = new Logger(SharedWakeups.name);
  private readonly local = new Wakeups();
  private listener?: QueryRunner;

  /** `channel`: one per kind of wake-up and schema, e.g. `engine_approvals`. */
  constructor(
    private readonly dataSource: DataSource,
    readonly channel: string,
  ) {}

  async listen(): Promise<void> {
    this.listener = this.dataSource.createQueryRunner();
    const client = (await this.listener.connect()) as {
      on(event: 'notification', fn: (message: { channel: string; payload?: string }) => void): void;
      on(event: 'error', fn: (error: Error) => void): void;
      query(sql: string): Promise<unknown>;
    };
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.local.notify(message.payload ?? '');
    });
    client.on('error', (error) =>
      this.logger.warn({ err: error, channel: this.channel }, 'wake-ups lost; waiters poll'),
    );
    await client.query(`LISTEN "${this.channel}"`);
  }

  async close(): Promise<void> {
    await this.listener?.release();
    this.listener = undefined;
  }

  /** Subscribe before reading the state, so a wake-up that arrives meanwhile is not lost. */
  subscribe(key: string): WakeupSubscription {
    return this.local.subscribe(key);
  }

  /** Wakes the waiters on `key` in every instance once `manager`'s transaction commits. */
  async notify(manager: EntityManager, key: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [this.channel, key]);
  }
}
