import type { LogLine } from '@pipewright/contracts';

/** One output line as a task runner hands it over (engine-core's TaskOutputLine): not numbered yet. */
export type UnnumberedLogLine = Omit<LogLine, 'seq'>;

/** Where published batches also go, e.g. the engine's tail of the last lines in Postgres. */
export interface TaskLogTailSink {
  add(lines: readonly LogLine[]): void;
  /** Resolves once every line added so far is written (or its write failed and was logged). */
  close(): Promise<void>;
}

export interface TaskLogPublisherOptions {
  /** Sends one batch; batches are sent one at a time, in order. */
  send: (lines: LogLine[]) => Promise<void>;
  /** Called when a batch could not be sent; its lines are dropped, the task goes on. */
  onDropped: (error: unknown, lines: number) => void;
  /** Lines the task run published before (earlier attempts); numbering continues after them. Default 0. */
  firstSeq?: number;
  /** Flush when this many lines are waiting. Default 100. */
  maxLines?: number;
  /** Flush this long after the first waiting line arrived. Default 100 ms. */
  maxDelayMs?: number;
  /**
   * Flush before the waiting text exceeds this many characters, so a batch of long lines stays
   * well under Kafka's default 1 MB message limit even when JSON escapes every character.
   */
  maxChars?: number;
  /** Also gets every batch, to keep the task's last lines for `GET /runs/:id/logs`; `close` waits for it. */
  tail?: TaskLogTailSink;
}

/**
 * Used by the engine (tasks it runs) and by `pipewright worker` (tasks of a pool), so that a task run's
 * lines reach `pipewright.logs` the same way wherever it ran.
 *
 * Numbers a task run's output lines (`seq` from 1) and sends them in batches: every `maxLines`
 * lines or `maxDelayMs` after the first waiting line, whichever comes first. At most one batch is
 * in flight while the next fills; when both are full, `add` returns a promise the task runner
 * waits for, so a slow broker slows the task down instead of filling memory.
 */
export class TaskLogPublisher {
  private readonly maxLines: number;
  private readonly maxDelayMs: number;
  private readonly maxChars: number;
  private waiting: LogLine[] = [];
  private waitingChars = 0;
  private seq = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: TaskLogPublisherOptions) {
    this.maxLines = options.maxLines ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 100;
    this.maxChars = options.maxChars ?? 128 * 1024;
    this.seq = options.firstSeq ?? 0;
  }

  /** Lines numbered so far, earlier attempts' included (the last `seq`). */
  get lines(): number {
    return this.seq;
  }

  /** Lines that could not be sent. */
  get droppedLines(): number {
    return this.dropped;
  }

  add(line: UnnumberedLogLine): Promise<void> | undefined {
    let backpressure: Promise<void> | undefined;
    if (this.waiting.length > 0 && this.waitingChars + line.text.length > this.maxChars) backpressure = this.flush();
    this.waiting.push({ seq: ++this.seq, time: line.time, stream: line.stream, text: line.text });
    this.waitingChars += line.text.length;
    if (this.waiting.length >= this.maxLines || this.waitingChars >= this.maxChars) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
    return backpressure;
  }

  /**
   * Sends what is waiting. Resolves when the batch sent *before* this one is done, so one batch
   * can travel while the next fills up.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const previous = this.inFlight;
    if (this.waiting.length === 0) return previous;
    const batch = this.waiting;
    this.waiting = [];
    this.waitingChars = 0;
    this.options.tail?.add(batch);
    this.inFlight = previous.then(() =>
      this.options.send(batch).catch((error: unknown) => {
        this.dropped += batch.length;
        this.options.onDropped(error, batch.length);
      }),
    );
    return previous;
  }

  /** Sends the rest and resolves when everything is sent (or dropped). */
  async close(): Promise<void> {
    void this.flush();
    await Promise.all([this.inFlight, this.options.tail?.close()]);
  }
}
