import { Injectable } from '@nestjs/common';
import type { CDEventContext, CloudEventAttributes } from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { EventLogEntry } from './event-log-entry.entity';

/** The append-only log of every CDEvent received. */
@Injectable()
export class EventLogService {
  /** Appends `event` in the caller's transaction; the same CloudEvent delivered again is appended once. */
  async append(
    manager: EntityManager,
    attributes: CloudEventAttributes,
    event: { context: CDEventContext },
    runId: string | null,
  ): Promise<void> {
    const table = manager.connection.getMetadata(EventLogEntry).tablePath;
    await manager.query(
      `INSERT INTO ${table} (id, cdevent_id, type, source, subject, run_id, time, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO NOTHING`,
      [
        attributes.id,
        event.context.id,
        attributes.type,
        attributes.source,
        attributes.subject ?? null,
        runId,
        event.context.timestamp,
        JSON.stringify(event),
      ],
    );
  }
}
