import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LogLine } from '@pipewright/contracts';
import type { TaskLogTailSink } from '@pipewright/event-bus';
import { DataSource } from 'typeorm';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';

/**
 * At most one write per task run this often: under a flood of output the batches in between collapse
 * into the next write (only the last lines survive the trim anyway), so a task printing hundreds of
 * MB costs the database one write of at most the tail a second instead of one per Kafka batch. A
 * follower polls about as often; the first lines and the last (on close) are written at once.
 */
const WRITE_INTERVAL_MS = 1_000;

/** Keeps the last lines of each task run's output in Postgres (task_log_lines) for `GET /runs/:id/logs`. */
@Injectable()
export class LogTailWriter {
  private readonly logger = new Logger(LogTailWriter.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  /** The sink of one task attempt's lines. */
  forTask(runId: string, taskRunId: string): TaskLogTailSink {
    const keep = this.config.PIPEWRIGHT_ENGINE_LOG_TAIL_LINES;
    if (keep === 0) return { add: () => undefined, close: () => Promise.resolve() };
    return new TaskLogTail(keep, (lines) =>
      this.write(runId, taskRunId, lines, keep).catch((error: unknown) =>
        this.logger.warn({ err: error, runId, taskRunId, lines: lines.length }, 'log tail not written'),
      ),
    );
  }

  /** Inserts the lines and drops what falls out of the tail, in one statement. */
  private async write(runId: string, taskRunId: string, lines: readonly LogLine[], keep: number): Promise<void> {
    const last = lines.at(-1)?.seq ?? 0;
    await this.dataSource.query(
      `WITH written AS (
         INSERT INTO task_log_lines (run_id, task_run_id, seq, stream, time, text)
         SELECT $1, $2, l.seq, l.stream, l.time, l.text
         FROM unnest($3::int[], $4::text[], $5::timestamptz[], $6::text[]) AS l(seq, stream, time, text)
         -- A task run again after a crash numbers its lines from what was recorded: the newer line wins.
         ON CONFLICT (task_run_id, seq) DO UPDATE
           SET stream = excluded.stream, time = excluded.time, text = excluded.text, id = nextval('task_log_lines_id_seq')
       )
       DELETE FROM task_log_lines WHERE task_run_id = $2 AND seq <= $7`,
      [
        runId,
        taskRunId,
        lines.map((line) => line.seq),
        lines.map((line) => line.stream),
        lines.map((line) => line.time),
        lines.map((line) => line.text),
        last - keep,
      ],
    );
  }
}

/**
 * One task attempt's tail: lines wait here (the last `keep` of them) until the write in flight is done
 * and WRITE_INTERVAL_MS has passed since the last one, so memory and writes stay bounded whatever the
 * task prints.
 */
export class TaskLogTail implements TaskLogTailSink {
  private pending: LogLine[] = [];
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = 0;
  private closing = false;

  constructor(
    private readonly keep: number,
    private readonly write: (lines: readonly LogLine[]) => Promise<void>,
    private readonly intervalMs = WRITE_INTERVAL_MS,
  ) {}

  add(lines: readonly LogLine[]): void {
    this.pending.push(...lines);
    if (this.pending.length > this.keep) this.pending = this.pending.slice(-this.keep);
    this.schedule();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.writing) await this.writing;
      else if (this.pending.length > 0) this.start();
      else return;
    }
  }

  private schedule(): void {
    if (this.writing || this.timer || this.closing) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, wait);
  }

  private start(): void {
    const lines = this.pending;
    this.pending = [];
    this.writing = this.write(lines).finally(() => {
      this.writing = undefined;
      this.lastWriteAt = Date.now();
      if (this.pending.length > 0) this.schedule();
    });
  }
}
