import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { toPage, type Page } from '../pagination/cursor';
import { EventLogEntry } from './event-log-entry.entity';
import { toEventResponse, type EventFilter, type EventResponse, type ListEventsQuery } from './list-events.dto';

/** Reads the event log. */
@Injectable()
export class EventQueryService {
  constructor(@InjectRepository(EventLogEntry) private readonly events: Repository<EventLogEntry>) {}

  /** Newest first, keyset-paged on seq. */
  async list(query: ListEventsQuery): Promise<Page<EventResponse>> {
    const select = this.filtered(query)
      .orderBy('event.seq', 'DESC')
      .limit(query.limit + 1);
    if (query.cursor) select.andWhere('event.seq < :before', { before: query.cursor[0] });
    return toPage(await select.getMany(), query.limit, (entry) => [entry.seq], toEventResponse);
  }

  /** Up to `limit` events after seq `after` that pass `filter`, oldest first: a live stream catching up. */
  async after(after: number, filter: EventFilter, limit: number, until?: number): Promise<EventLogEntry[]> {
    const select = this.filtered(filter)
      .andWhere('event.seq > :after', { after })
      .orderBy('event.seq', 'ASC')
      .limit(limit);
    if (until !== undefined) select.andWhere('event.seq <= :until', { until });
    return select.getMany();
  }

  /** The newest seq stored (0 for none). */
  async newestSeq(): Promise<number> {
    const row = await this.events
      .createQueryBuilder('event')
      .select('max(event.seq)', 'newest')
      .getRawOne<{ newest: string | null }>();
    return Number(row?.newest ?? 0);
  }

  private filtered(filter: EventFilter): SelectQueryBuilder<EventLogEntry> {
    const select = this.events.createQueryBuilder('event');
    for (const column of ['type', 'subject', 'runId', 'component'] as const) {
      const value = filter[column];
      if (value === undefined) continue;
      // Type and component are indexed by their hash (see the event-filters-by-hash migration): the hash
      // finds the rows, the value rules out collisions.
      const hashed = column === 'type' || column === 'component';
      select.andWhere(
        hashed
          ? `hashtext(event.${column}) = hashtext(:${column}) AND event.${column} = :${column}`
          : `event.${column} = :${column}`,
        { [column]: value },
      );
    }
    if (filter.from) select.andWhere('event.time >= :from', { from: filter.from });
    if (filter.to) select.andWhere('event.time < :to', { to: filter.to });
    return select;
  }
}
