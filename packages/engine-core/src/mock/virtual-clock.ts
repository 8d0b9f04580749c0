import type { Clock } from '../executor/executor.types';

interface Timer {
  at: number;
  sequence: number;
  resolve: () => void;
}

/** Event-loop turns the clock waits for the run to settle before it jumps to the next timer. */
const SETTLE_TURNS = 3;

/**
 * Virtual time for mock runs: `now()` starts at 0 and only moves when every piece of work is waiting
 * on a `sleep` (nothing happened for a few event-loop turns); it then jumps straight to the earliest
 * timer. A 10-minute pipeline runs in milliseconds, and start/end times are exact and repeatable.
 * Timers due at the same time fire in the order they were set. It assumes the run waits on nothing
 * real (a reporter writing files is fine only if it finishes within a few event-loop turns).
 */
export class VirtualClock implements Clock {
  private time = 0;
  private sequence = 0;
  private timers: Timer[] = [];
  private running = false;

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.time + Math.max(0, ms), sequence: this.sequence++, resolve };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.advanceWhenIdle();
    });
  }

  private advanceWhenIdle(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        let seen = this.sequence;
        for (let turn = 0; turn < SETTLE_TURNS; turn++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.sequence !== seen) {
            seen = this.sequence;
            turn = -1; // something new was scheduled: wait for it to settle too
          }
        }
        if (this.timers.length === 0) return;
        let next = this.timers[0] as Timer;
        for (const timer of this.timers)
          if (timer.at < next.at || (timer.at === next.at && timer.sequence < next.sequence)) next = timer;
        this.timers = this.timers.filter((t) => t !== next);
        this.time = Math.max(this.time, next.at);
        next.resolve();
      }
    } finally {
      this.running = false;
    }
  }
}
