import { Injectable } from '@nestjs/common';
import type { CDEventContext, CloudEventAttributes } from '@pipewright/contracts';
import type { EntityManager } from 'typeorm';
import {
  incomingRows,
  joinRows,
  splitRowsSql,
  type IncomingColumn,
  type IncomingValue,
} from '../database/incoming-rows';
import { factsOf } from './event-facts';
import { EventLogEntry } from './event-log-entry.entity';

/** An event as received: its CloudEvents attributes and its (validated) CDEvent. */
export interface ReceivedEvent {
  attributes: CloudEventAttributes;
  event: { context: CDEventContext };
  /** The run it belongs to, when the caller knows better than `factsOf`. */
  runId?: string | null;
  /** The event's JSON text as received, in UTF-8 (stored as is); without it, `event` is stringified. */
  json?: Buffer;
}

/** Each append notifies this channel at commit, with the newest seq it appended: live streams listen. */
export const EVENTS_CHANNEL = 'builddata_events';

/** The columns an append sends for each event (its payload goes apart). */
const EVENT_COLUMNS: IncomingColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'cdevent_id', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'subject', type: 'text' },
  { name: 'run_id', type: 'text' },
  { name: 'component', type: 'text' },
  { name: 'time', type: 'timestamptz' },
];

/** The append-only log of every CDEvent received. */
@Injectable()
export class EventLogService {
  /** Which of `ids` (CloudEvent ids) the log already holds: a redelivered message is one of them. */
  async stored(manager: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const table = manager.connection.getMetadata(EventLogEntry).tablePath;
    const rows = await manager.query<{ id: string }[]>(`SELECT id FROM ${table} WHERE id = ANY($1::text[])`, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Appends `events` in the caller's transaction; a CloudEvent delivered again is appended once. Returns
   * the ids appended now (not those the log already held).
   *
   * `seq` numbers become visible in order: a reader that has seen seq n will never later find a smaller
   * one. Paging by seq, the live stream's `Last-Event-ID` and webhook fan-out rely on that. Appending
   * transactions take turns (see the ingest-commit-order migration): each draws its seq block with its
   * turn, inserts side by side with the others, then waits here until the turn before has ended. So call
   * it as late as possible in the transaction, and keep what follows short: later turns wait for it.
   */
  async appendMany(manager: EntityManager, events: readonly ReceivedEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const table = manager.connection.getMetadata(EventLogEntry).tablePath;
    const schema = manager.connection.getMetadata(EventLogEntry).schema ?? 'public';
    const [turn] = await manager.query<{ turn: string; first_seq: string }[]>(
      `SELECT turn, first_seq FROM "${schema}".events_take_turn($1)`,
      [events.length],
    );
    // The rows' columns go as ONE text parameter (see incoming-rows.ts), and their payloads as ONE more: each
    // event's JSON as received, joined by joinRows. Node neither stringifies payloads again nor escapes
    // them, and Postgres does not parse them. The payloads go as bytes (pg sends a Buffer in binary format,
    // which for text is its UTF-8 bytes, checked by Postgres): the bytes received from Kafka, not encoded again.
    const rows: IncomingValue[][] = [];
    const payloads: Buffer[] = [];
    for (const { attributes, event, runId, json } of events) {
      const facts = factsOf(attributes.type, event);
      rows.push([
        attributes.id,
        event.context.id,
        attributes.type,
        attributes.source,
        attributes.subject ?? null,
        runId === undefined ? facts.runId : runId,
        facts.component,
        event.context.timestamp,
      ]);
      payloads.push(json ?? Buffer.from(JSON.stringify(event)));
    }
    // Zipped: the n-th payload belongs to the n-th row.
    const incoming = incomingRows('$2', EVENT_COLUMNS, rows, [{ call: splitRowsSql('$3'), name: 'payload' }]);
    // The statement also notifies live streams (at commit), once, when it appended anything.
    const appended = await manager.query<{ id: string | null }[]>(
      `WITH appended AS (
         INSERT INTO ${table} (seq, id, cdevent_id, type, source, subject, run_id, component, time, payload)
         OVERRIDING SYSTEM VALUE
         SELECT $1::bigint + incoming.ordinality - 1, ${incoming.columns.join(', ')}, incoming.payload
         FROM ${incoming.from}
         ON CONFLICT (id) DO NOTHING
         RETURNING id, seq
       )
       SELECT id FROM appended
       UNION ALL
       SELECT pg_notify($4, max(seq)::text)::text FROM appended HAVING count(*) > 0`,
      [turn!.first_seq, incoming.parameter, joinRows(payloads), EVENTS_CHANNEL],
    );
    await manager.query(`SELECT "${schema}".events_await_turn($1)`, [turn!.turn]);
    // The notification's row has no id (pg_notify returns nothing).
    return new Set(appended.flatMap((row) => (row.id ? [row.id] : [])));
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
