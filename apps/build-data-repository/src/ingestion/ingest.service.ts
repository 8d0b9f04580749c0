import { Injectable } from '@nestjs/common';
import { PIPELINE_RUN_QUEUED } from '@pipewright/contracts';
import type { BatchMessage } from '@pipewright/event-bus';
import type { EntityManager } from 'typeorm';
import { DeliveryEventRecorder } from '../deployments/delivery-event-recorder.service';
import { EventLogService, type ReceivedEvent } from '../events/event-log.service';
import { RunRecorder } from '../runs/run-recorder.service';

/**
 * What becomes of a batch of CDEvents: runs as executed, delivery records (test results, artifacts,
 * deployments, incidents), and the event log. The event log, keyed by the CloudEvent id, is also what
 * recognizes a redelivered message (no processed_messages row per message): it is appended once, and only
 * a queued run appended now gets a version.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly runs: RunRecorder,
    private readonly eventLog: EventLogService,
    private readonly deliveries: DeliveryEventRecorder,
  ) {}

  async apply(manager: EntityManager, messages: readonly BatchMessage[]): Promise<void> {
    // Side by side with other batches: run rows converge whatever the order and however often an event
    // comes, so a redelivered message is applied again rather than looked up first (a lookup per message
    // cost more than the redeliveries do).
    await this.runs.recordRuns(manager, messages);
    // Likewise: every delivery record takes repeats.
    await this.deliveries.record(manager, messages);
    // Except a queued run's registration of its component's owner: a redelivery must not bring back an
    // owner that a newer run has registered since. Queued events are few; only they are looked up.
    const seen = await this.eventLog.stored(
      manager,
      messages.filter((m) => m.attributes.type === PIPELINE_RUN_QUEUED).map((m) => m.attributes.id),
    );
    const versionRequests = await this.runs.versionRequests(
      manager,
      messages.filter((m) => !seen.has(m.attributes.id)),
    );
    // Appended side by side with other batches; from its end to the commit, batches take turns.
    const appended = await this.eventLog.appendMany(
      manager,
      messages.map((m): ReceivedEvent => ({
        attributes: m.attributes,
        event: m.data as ReceivedEvent['event'],
        json: m.value,
      })),
    );
    // Only runs queued by messages appended now: one another instance appended meanwhile (the same partition
    // read twice during a rebalance) was answered there. Allocated while batches take turns anyway, so none
    // waits for another's counter rows (and the counters' row locks cannot make turns deadlock).
    await this.runs.recordVersions(manager, {
      ...versionRequests,
      requests: versionRequests.requests.filter((request) => appended.has(request.messageId)),
    });
  }
}
