import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { LogLine, LogLines } from '@pipewright/contracts';
import type { TelemetrySink } from './telemetry-sink';

/** One line of the NDJSON file: the log line with everything needed to find its run without a lookup. */
export interface NdjsonLogRecord {
  time: string;
  runId: string;
  taskRunId: string;
  taskName: string;
  stage: string;
  component: string;
  team: string;
  stream: LogLine['stream'];
  seq: number;
  text: string;
}

export function toNdjsonRecord(batch: LogLines, line: LogLine): NdjsonLogRecord {
  return {
    time: line.time,
    runId: batch.runId,
    taskRunId: batch.taskRunId,
    taskName: batch.taskName,
    stage: batch.stage,
    component: batch.component,
    team: batch.team,
    stream: line.stream,
    seq: line.seq,
    text: line.text,
  };
}

/**
 * Appends log lines to one NDJSON file (a log shipper such as Vector or Fluent Bit tails it).
 * A batch is one `write`, so its lines stay together even with other writers on the file, and
 * `logLines` resolves only when the write reached the OS: the consumer commits its cursor after
 * that, so a crash before the commit re-delivers the batch rather than losing it (at least once).
 */
export class NdjsonFileSink implements TelemetrySink, OnApplicationShutdown {
  readonly name = 'ndjson';
  private readonly logger = new Logger(NdjsonFileSink.name);
  private stream?: WriteStream;

  constructor(readonly path: string) {}

  async logLines(batch: LogLines, lines: readonly LogLine[]): Promise<void> {
    if (lines.length === 0) return;
    const text = lines.map((line) => `${JSON.stringify(toNdjsonRecord(batch, line))}\n`).join('');
    await this.append(text);
  }

  async onApplicationShutdown(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((resolve) => stream.end(resolve));
  }

  private append(text: string): Promise<void> {
    const stream = this.open();
    return new Promise((resolve, reject) => {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Opens the file on first use, and again after an error destroyed the previous stream (disk full, file removed). */
  private open(): WriteStream {
    if (this.stream && !this.stream.destroyed) return this.stream;
    mkdirSync(dirname(this.path), { recursive: true });
    const stream = createWriteStream(this.path, { flags: 'a' });
    // The failed write's callback rejects and the message is retried; this listener only keeps the
    // 'error' event from crashing the process.
    stream.on('error', (error) => this.logger.error({ err: error, path: this.path }, 'NDJSON log file write failed'));
    this.stream = stream;
    return stream;
  }
}
