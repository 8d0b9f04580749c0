import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { VERSION_ALLOCATED, VersionAllocated, newCDEvent } from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import type { EntityManager, Repository } from 'typeorm';
import type { RegisteredComponent } from '../components/component.service';
import { VersionCounter } from './version-counter.entity';
import { formatVersion, seriesFor } from './version-scheme';
import { Version } from './version.entity';

export interface AllocationRequest {
  component: RegisteredComponent;
  runId: string;
  revision: string | null;
}

@Injectable()
export class VersionService {
  constructor(
    @InjectRepository(Version) private readonly versions: Repository<Version>,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /**
   * The run's version: the next number of the component's series, taken by one atomic increment of its
   * counter row, recorded and announced (`VersionAllocated`) in the caller's transaction. The counter
   * row stays locked until that transaction ends, so concurrent runs get consecutive, distinct numbers;
   * a transaction that rolls back takes its increment with it, so no committed version is ever reused
   * and none is skipped. A run that already has a version keeps it.
   */
  async allocateForRun(manager: EntityManager, request: AllocationRequest): Promise<Version> {
    const existing = await manager.findOneBy(Version, { runId: request.runId });
    if (existing) {
      // Its queued event was published again: answer again, the run may still be waiting for it.
      await this.announce(manager, existing, request.runId);
      return existing;
    }
    const { name: component, versionScheme: scheme } = request.component;
    const series = seriesFor(scheme);
    const counters = manager.connection.getMetadata(VersionCounter).tablePath;
    const [counter] = await manager.query<{ last: string }[]>(
      `INSERT INTO ${counters} AS counter (component, series, last) VALUES ($1, $2, 1)
       ON CONFLICT (component, series) DO UPDATE SET last = counter.last + 1
       RETURNING last`,
      [component, series],
    );
    if (!counter) throw new Error(`incrementing the version counter of ${component} returned no row`);
    const number = Number(counter.last);
    const name = formatVersion(scheme, number);
    const versions = manager.connection.getMetadata(Version).tablePath;
    // allocated_at defaults to clock_timestamp(): taken after the counter's lock, so times follow the numbers.
    const [row] = await manager.query<{ allocated_at: Date }[]>(
      `INSERT INTO ${versions} (component, version, scheme, series, number, run_id, revision)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING allocated_at`,
      [component, name, scheme, series, number, request.runId, request.revision],
    );
    if (!row) throw new Error(`recording version ${name} of ${component} returned no row`);
    const version = manager.create(Version, {
      component,
      version: name,
      scheme,
      series,
      number,
      runId: request.runId,
      revision: request.revision,
      allocatedAt: row.allocated_at,
    });
    await this.announce(manager, version, request.runId);
    return version;
  }

  /** Newest first. */
  async listForComponent(component: string): Promise<Version[]> {
    return this.versions.find({ where: { component }, order: { allocatedAt: 'DESC', number: 'DESC' } });
  }

  private async announce(manager: EntityManager, version: Version, runId: string): Promise<void> {
    const event = newCDEvent(
      VERSION_ALLOCATED,
      this.bus.source,
      {
        id: `${version.component}@${version.version}`,
        source: this.bus.source,
        content: {
          component: version.component,
          version: version.version,
          runId,
          ...(version.revision === null ? {} : { revision: version.revision }),
        },
      },
      {},
    );
    await this.outbox.publish(manager, VersionAllocated, event);
  }
}
