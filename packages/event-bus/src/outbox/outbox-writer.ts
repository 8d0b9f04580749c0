import { randomUUID } from 'node:crypto';
import { parseMessage, type MessageData, type MessageDefinition } from '@pipewright/contracts';
import { currentTraceHeaders } from '@pipewright/telemetry';
import type { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';
import { notifyChannel } from './outbox-channel';

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
    const valid = parseMessage(definition, data);
    const trace = currentTraceHeaders();
    const messageId = randomUUID();
    await manager.insert(OutboxMessage, {
      messageId,
      topic: definition.topic,
      partitionKey: definition.key(valid),
      type: definition.type,
      source: this.source,
      subject: definition.subject(valid) ?? null,
      payload: valid as object,
      traceparent: trace?.traceparent ?? null,
      tracestate: trace?.tracestate ?? null,
    });
    // Delivered at commit (and dropped on rollback): wakes the relay without polling delay.
    const schema = manager.connection.getMetadata(OutboxMessage).schema ?? 'public';
    await manager.query('SELECT pg_notify($1, $2)', [notifyChannel(schema), '']);
    return messageId;
  }
}
