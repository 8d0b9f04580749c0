import { Injectable } from '@nestjs/common';
import type { CDEventContext, CloudEventAttributes } from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import { factsOf } from './event-facts';
import { EventLogEntry } from './event-log-entry.entity';

/** An event as received: its CloudEvents attributes and its (validated) CDEvent. */
export interface ReceivedEvent {
  attributes: CloudEventAttributes;
  event: { context: CDEventContext };
  /** The run it belongs to, when the caller knows better than `factsOf`. */
  runId?: string | null;
}

/** Every transaction that appends takes this lock first and keeps it until it commits (see `appendMany`). */
const APPEND_LOCK = `hashtextextended('builddata.events.append', 0)`;

/** The append-only log of every CDEvent received. */
@Injectable()
export class EventLogService {
  /**
   * Appends `events` in the caller's transaction; a CloudEvent delivered again is appended once.
   *
   * Appending transactions take one lock and hold it until they commit, so `seq` numbers become visible
   * in order: a reader that has seen seq n will never later find a smaller one. Paging by seq and the
   * live stream's `Last-Event-ID` rely on that. Call it as late as possible in the transaction, and keep
   * what follows short: the lock is held from here to the commit.
   */
  async appendMany(manager: EntityManager, events: readonly ReceivedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const table = manager.connection.getMetadata(EventLogEntry).tablePath;
    const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (const { attributes, event, runId } of events) {
      const facts = factsOf(attributes.type, event);
      const row = [
        attributes.id,
        event.context.id,
        attributes.type,
        attributes.source,
        attributes.subject ?? null,
        runId === undefined ? facts.runId : runId,
        facts.component,
        event.context.timestamp,
        JSON.stringify(event),
      ];
      row.forEach((value, i) => columns[i]!.push(value));
    }
    await manager.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
    await manager.query(
      `INSERT INTO ${table} (id, cdevent_id, type, source, subject, run_id, component, time, payload)
       SELECT id, cdevent_id, type, source, subject, run_id, component, time, payload::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::timestamptz[], $9::text[])
         AS incoming(id, cdevent_id, type, source, subject, run_id, component, time, payload)
       ON CONFLICT (id) DO NOTHING`,
      columns,
    );
  }

  /** One event; see appendMany (and call it last in the transaction). */
  async append(
    manager: EntityManager,
    attributes: CloudEventAttributes,
    event: { context: CDEventContext },
    runId?: string | null,
  ): Promise<void> {
    await this.appendMany(manager, [{ attributes, event, ...(runId === undefined ? {} : { runId }) }]);
  }
}
