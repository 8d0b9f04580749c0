import { Injectable } from '@nestjs/common';
import type { BatchMessage } from '@pipewright/event-bus';
import type { EntityManager } from 'typeorm';
import { EventLogService, type ReceivedEvent } from '../events/event-log.service';
import { RunRecorder } from '../runs/run-recorder.service';

/** What becomes of a batch of CDEvents: runs as executed, and the event log. */
@Injectable()
export class IngestService {
  constructor(
    private readonly runs: RunRecorder,
    private readonly eventLog: EventLogService,
  ) {}

  async apply(manager: EntityManager, messages: readonly BatchMessage[]): Promise<void> {
    await this.runs.recordRuns(manager, messages);
    // From here to the commit, batches take turns: appending holds the event log's lock until then.
    await this.eventLog.appendMany(
      manager,
      messages.map((m): ReceivedEvent => ({ attributes: m.attributes, event: m.data as ReceivedEvent['event'] })),
    );
    // So versions are allocated by one batch at a time: none waits for another's counter rows.
    await this.runs.recordVersions(manager, messages);
  }
}
