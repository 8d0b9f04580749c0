import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { WebhookDeliveryService, type ClaimedAttempt } from './webhook-delivery.service';
import { WebhookFanoutService } from './webhook-fanout.service';
import { sendWebhook } from './webhook-sender';
import { WebhookTargetGuard } from './webhook-target.guard';

/**
 * The loop that delivers webhooks: turn new events into deliveries, start due attempts up to
 * WEBHOOK_CONCURRENCY at once, and rest WEBHOOK_POLL_INTERVAL_MS when there was nothing to do. All its
 * state is in Postgres, so any number of instances can run it and a restart picks up where it stopped.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookWorker.name);
  private readonly inFlight = new Set<Promise<void>>();
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;

  constructor(
    private readonly fanout: WebhookFanoutService,
    private readonly deliveries: WebhookDeliveryService,
    private readonly guard: WebhookTargetGuard,
    @Inject(BUILD_DATA_CONFIG) private readonly config: BuildDataConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  // Before the database closes: attempts in flight finish (within their timeout) and are recorded.
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    await Promise.all(this.inFlight);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      try {
        busy = (await this.fanout.fanOutNext()) > 0;
        const free = this.config.WEBHOOK_CONCURRENCY - this.inFlight.size;
        if (free > 0) {
          const claimed = await this.deliveries.claimDue(free);
          for (const attempt of claimed) this.start(attempt);
          busy ||= claimed.length === free;
        }
      } catch (error) {
        this.logger.error({ err: error }, 'webhook worker round failed; trying again');
      }
      if (!busy) await this.rest(this.config.WEBHOOK_POLL_INTERVAL_MS);
    }
  }

  private start(attempt: ClaimedAttempt): void {
    const work = (async () => {
      const outcome = await sendWebhook(attempt, this.config.WEBHOOK_TIMEOUT_MS, this.guard);
      try {
        await this.deliveries.record(attempt, outcome);
      } catch (error) {
        // Unrecorded, the attempt's lease runs out and the delivery is tried again.
        this.logger.error({ err: error, deliveryId: attempt.deliveryId }, 'recording a webhook attempt failed');
      }
    })().finally(() => {
      this.inFlight.delete(work);
      this.wake?.();
    });
    this.inFlight.add(work);
  }

  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
