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
