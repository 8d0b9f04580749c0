import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TriggerService } from './trigger.service';

/** The longest the scheduler sleeps: also how soon it sees a schedule another engine registered. */
const TICK_MS = 15_000;

/**
 * Wakes every 15 s, or earlier when a known slot comes sooner, and fires the due schedules. Every
 * engine runs one; TriggerService's claim makes each slot fire once among them.
 */
@Injectable()
export class TriggerScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriggerScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly triggers: TriggerService) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** One pass: fires what is due and returns how long to sleep until the next pass. */
  async tick(now = new Date()): Promise<number> {
    await this.triggers.fireDueSchedules(now);
    const next = await this.triggers.nextScheduledAt();
    if (next === undefined) return TICK_MS;
    return Math.min(TICK_MS, Math.max(0, next.getTime() - Date.now()));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().then(
        (sleepMs) => this.schedule(sleepMs),
        (error: unknown) => {
          this.logger.error({ err: error }, 'scheduler pass failed');
          this.schedule(TICK_MS);
        },
      );
    }, delayMs);
  }
}
