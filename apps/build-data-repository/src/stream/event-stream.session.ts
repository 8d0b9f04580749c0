import type { EventLogEntry } from '../events/event-log-entry.entity';
import type { EventQueryService } from '../events/event-query.service';
import { toEventResponse, type EventFilter } from '../events/list-events.dto';
import type { EventStreamHub, StreamSubscriber } from './event-stream.hub';
import { sseComment, sseEvent, sseRetry } from './sse';

/** The part of an HTTP response a stream writes to. */
export interface SseOutput {
  write(chunk: string): boolean;
  end(): void;
  readonly writableLength: number;
}

/** Unsent bytes after which a client is too slow to follow: it is cut off and reconnects with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const REPLAY_PAGE = 500;

/**
 * One client's live stream: first what it missed (events after its Last-Event-ID, from the log), then
 * events as the hub hands them out, each once and in seq order, with heartbeat comments in between.
 */
export class EventStreamSession implements StreamSubscriber {
  /** Live events that arrive while the missed ones are replayed; undefined once live. */
  private held: EventLogEntry[] | undefined = [];
  private lastSent = 0;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly out: SseOutput,
    readonly filter: EventFilter,
    private readonly heartbeatMs: number,
  ) {}

  async start(hub: EventStreamHub, events: EventQueryService, resumeAfter: number | undefined): Promise<void> {
    this.out.write(sseRetry(3_000));
    const liveFrom = hub.subscribe(this);
    this.lastSent = resumeAfter ?? liveFrom;
    this.heartbeat = setInterval(() => this.write(sseComment('heartbeat')), this.heartbeatMs);
    this.heartbeat.unref();
    while (!this.closed && this.lastSent < liveFrom) {
      const missed = await events.after(this.lastSent, this.filter, REPLAY_PAGE, liveFrom);
      for (const entry of missed) this.deliver(entry);
      if (missed.length < REPLAY_PAGE) break;
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const entry of held) this.deliver(entry);
  }

  send(entry: EventLogEntry): void {
    if (this.held) this.held.push(entry);
    else this.deliver(entry);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.out.end();
  }

  private deliver(entry: EventLogEntry): void {
    if (entry.seq <= this.lastSent) return;
    this.lastSent = entry.seq;
    this.write(sseEvent(entry.seq, toEventResponse(entry)));
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.out.write(chunk);
    if (this.out.writableLength > MAX_BUFFERED_BYTES) this.end();
  }
}
