import { parseMessage, type MessageData, type MessageDefinition, timeOrderedUuid } from '@pipewright/contracts';
import { currentTraceHeaders } from '@pipewright/telemetry';
import type { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';
import { notifyChannel } from './outbox-channel';

/** One outbox row, validated, as `OutboxWriter.prepare` hands it out (columns in snake_case in the table). */
export interface PreparedOutboxRow {
  messageId: string;
  topic: string;
  partitionKey: string;
  type: string;
  source: string;
  subject: string | null;
  payload: object;
  traceparent: string | null;
  tracestate: string | null;
}

export interface PreparedOutbox {
  /** The outbox table, schema-qualified. */
  table: string;
  /** The channel the relay listens on; a notification sent in the transaction wakes it at commit. */
  channel: string;
  rows: PreparedOutboxRow[];
}

/**
 * Publishes by writing an outbox row with the caller's EntityManager, i.e. inside the
 * caller's transaction: the message exists exactly when the state change does.
 * The payload is validated against its contract first, so nothing invalid is ever queued.
 */
export class OutboxWriter {
  constructor(private readonly source: string) {}

  async publish<D extends MessageDefinition>(
    manager: EntityManager,
    definition: D,
    data: MessageData<D>,
  ): Promise<string> {
    const [messageId] = await this.publishMany(manager, definition, [data]);
    return messageId!;
  }

  /** `publish` for many messages of one type: one insert and one notification. Returns their message ids. */
  async publishMany<D extends MessageDefinition>(
    manager: EntityManager,
    definition: D,
    data: readonly MessageData<D>[],
  ): Promise<string[]> {
    if (data.length === 0) return [];
    const { rows, channel } = this.prepare(manager, definition, data);
    await manager.insert(OutboxMessage, rows);
    // Delivered at commit (and dropped on rollback): wakes the relay without polling delay.
    await manager.query('SELECT pg_notify($1, $2)', [channel, '']);
    return rows.map((row) => row.messageId);
  }

  /**
   * The validated rows `publishMany` would insert, with the table and the relay's channel, for a caller that
   * must write them within a statement of its own: e.g. in the CTE that takes a hot lock, so that no round
   * trip happens while the lock is held. That statement inserts the rows and calls `pg_notify(channel, '')`.
   */
  prepare<D extends MessageDefinition>(
    manager: EntityManager,
    definition: D,
    data: readonly MessageData<D>[],
  ): PreparedOutbox {
    const trace = currentTraceHeaders();
    const rows = data.map((one) => {
      const valid = parseMessage(definition, one);
      return {
        messageId: timeOrderedUuid(),
        topic: definition.topic,
        partitionKey: definition.key(valid),
        type: definition.type,
        source: this.source,
        subject: definition.subject(valid) ?? null,
        payload: valid as object,
        traceparent: trace?.traceparent ?? null,
        tracestate: trace?.tracestate ?? null,
      };
    });
    const metadata = manager.connection.getMetadata(OutboxMessage);
    return { table: metadata.tablePath, channel: notifyChannel(metadata.schema ?? 'public'), rows };
  }
}
