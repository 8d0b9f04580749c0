import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LogLine, LogLines } from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { TELEMETRY_SINKS, type TelemetrySink } from '../sinks/telemetry-sink';
import { LogCursor } from './log-cursor.entity';

/** The lines of a batch past `lastSeq`, in `seq` order, each position once. */
export function linesAfter(lines: readonly LogLine[], lastSeq: number): LogLine[] {
  const bySeq = new Map<number, LogLine>();
  for (const line of lines) if (line.seq > lastSeq && !bySeq.has(line.seq)) bySeq.set(line.seq, line);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

@Injectable()
export class LogForwardingService {
  private readonly logger = new Logger(LogForwardingService.name);

  constructor(@Inject(TELEMETRY_SINKS) private readonly sinks: readonly TelemetrySink[]) {}

  /**
   * Writes the batch's new lines to every sink and advances the task run's cursor, in the caller's
   * transaction. Lines at or below the cursor were forwarded before and are dropped. The cursor row
   * is locked, so two consumers that briefly share a partition during a rebalance take turns.
   * Resolves to the number of lines forwarded.
   */
  async forward(manager: EntityManager, batch: LogLines): Promise<number> {
    const cursors = manager.getRepository(LogCursor);
    await cursors.createQueryBuilder().insert().values({ taskRunId: batch.taskRunId, lastSeq: 0 }).orIgnore().execute();
    const cursor = await cursors.findOneOrFail({
      where: { taskRunId: batch.taskRunId },
      lock: { mode: 'pessimistic_write' },
    });

    const fresh = linesAfter(batch.lines, cursor.lastSeq);
    const first = fresh[0];
    const last = fresh.at(-1);
    if (!first || !last) {
      this.logger.debug({ taskRunId: batch.taskRunId, lastSeq: cursor.lastSeq }, 'log lines already forwarded');
      return 0;
    }
    if (first.seq > cursor.lastSeq + 1) {
      // Batches of one task run share a partition, so a gap means lines were lost before Kafka: say so.
      this.logger.warn(
        { taskRunId: batch.taskRunId, lastSeq: cursor.lastSeq, nextSeq: first.seq },
        'gap in task-run log sequence',
      );
    }

    for (const sink of this.sinks) await sink.logLines?.(batch, fresh);
    await cursors.update({ taskRunId: batch.taskRunId }, { lastSeq: last.seq, updatedAt: new Date() });
    return fresh.length;
  }
}
