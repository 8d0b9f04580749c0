import { Injectable } from '@nestjs/common';
import type { BatchMessage } from '@pipewright/event-bus';
import type { EntityManager } from 'typeorm';
import { EventLogService, type ReceivedEvent } from '../events/event-log.service';
import { RunRecorder } from '../runs/run-recorder.service';

/**
 * What becomes of a batch of CDEvents: runs as executed, and the event log. The event log, keyed by the
 * CloudEvent id, is also what recognizes a redelivered message (no processed_messages row per message).
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly runs: RunRecorder,
    private readonly eventLog: EventLogService,
  ) {}

  async apply(manager: EntityManager, messages: readonly BatchMessage[]): Promise<void> {
    const stored = await this.eventLog.stored(
      manager,
      messages.map((m) => m.attributes.id),
    );
    const fresh = messages.filter((m) => !stored.has(m.attributes.id));
    if (fresh.length === 0) return; // all seen before: redelivery is normal
    // Side by side with other batches: run rows converge whatever the order (and a repeat changes nothing).
    await this.runs.recordRuns(manager, fresh);
    const versionRequests = await this.runs.versionRequests(manager, fresh);
    // Appended side by side with other batches; from its end to the commit, batches take turns.
    const appended = await this.eventLog.appendMany(
      manager,
      fresh.map((m): ReceivedEvent => ({
        attributes: m.attributes,
        event: m.data as ReceivedEvent['event'],
        json: m.json,
      })),
    );
    // Only runs queued by messages appended now: one another instance appended meanwhile (the same partition
    // read twice during a rebalance) was answered there. Allocated while batches take turns anyway, so none
    // waits for another's counter rows (and the counters' row locks cannot make turns deadlock).
    await this.runs.recordVersions(
      manager,
      versionRequests.filter((request) => appended.has(request.messageId)),
    );
  }
}
