import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { EventLogEntry } from '../events/event-log-entry.entity';
import { EVENTS_CHANNEL } from '../events/event-log.service';
import { EventQueryService } from '../events/event-query.service';
import { matchesFilter, type EventFilter } from '../events/list-events.dto';

/** Rows read per query while catching up. */
const PAGE = 500;
/** How often to look for new events without a notification (a dropped LISTEN connection loses some). */
const POLL_MS = 2_000;

export interface StreamSubscriber {
  filter: EventFilter;
  /** Called in seq order, each event once. */
  send(entry: EventLogEntry): void;
  /** The hub is shutting down. */
  end(): void;
}

/**
 * Fans newly stored events out to live streams. One LISTEN connection per instance hears of every
 * insert (Postgres notifies every listener, whichever instance stored the event); the hub then reads
 * what is new once and hands each event to the subscribers whose filter it passes. Events become
 * visible in seq order (see EventLogService), so reading `seq > last` never skips one.
 */
@Injectable()
export class EventStreamHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventStreamHub.name);
  private readonly subscribers = new Set<StreamSubscriber>();
  private listener?: QueryRunner;
  private poller?: NodeJS.Timeout;
  /** The newest seq handed to subscribers. */
  private last = 0;
  private pumping?: Promise<void>;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventQueryService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listener = this.dataSource.createQueryRunner();
    const client = (await this.listener.connect()) as {
      on(event: 'notification', fn: () => void): void;
      query(sql: string): Promise<unknown>;
    };
    client.on('notification', () => this.pump());
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    // After LISTEN: anything stored from here on is heard of; what is already stored is history.
    this.last = await this.events.newestSeq();
    this.poller = setInterval(() => this.pump(), POLL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.poller);
    for (const subscriber of this.subscribers) subscriber.end();
    this.subscribers.clear();
    await this.pumping;
    await this.listener?.release();
  }

  /**
   * Registers `subscriber` and returns the newest seq already handed out: the subscriber receives every
   * later event passing its filter; anything up to that seq it must read from the log itself.
   */
  subscribe(subscriber: StreamSubscriber): number {
    this.subscribers.add(subscriber);
    return this.last;
  }

  unsubscribe(subscriber: StreamSubscriber): void {
    this.subscribers.delete(subscriber);
  }

  /** Reads and fans out everything new; a call while one runs makes it run once more. */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'reading new events for live streams failed'))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  private async drain(): Promise<void> {
    if (this.subscribers.size === 0) {
      // Nobody to hand events to: skip reading them (ingestion may store thousands per second).
      const newest = await this.events.newestSeq();
      // Unless someone subscribed meanwhile: they are owed everything after the seq they were given.
      if (this.subscribers.size === 0) {
        this.last = Math.max(this.last, newest);
        return;
      }
    }
    for (;;) {
      const batch = await this.events.after(this.last, {}, PAGE);
      for (const entry of batch) {
        this.last = entry.seq;
        for (const subscriber of this.subscribers) {
          if (matchesFilter(entry, subscriber.filter)) subscriber.send(entry);
        }
      }
      if (batch.length < PAGE) return;
    }
  }
}
