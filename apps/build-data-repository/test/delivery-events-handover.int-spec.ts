import {
  CLOUD_EVENTS_SPEC_VERSION,
  JSON_CONTENT_TYPE,
  timeOrderedUuid,
  type CloudEventAttributes,
} from '@pipewright/contracts';
import { uniqueId } from '@pipewright/testing';
import { DeliveryEventRecorder } from '../src/deployments/delivery-event-recorder.service';
import { Deployment } from '../src/deployments/deployment.entity';
import { EventLogService } from '../src/events/event-log.service';
import { deploymentEvent } from './support/deployment.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

/**
 * Upgrading from the release whose `delivery-events` consumer group recorded delivery events: the events
 * the log held at the upgrade that the group had not recorded yet are recorded once, from the log.
 */
describe('delivery events the retired consumer group had not recorded', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(() => sut?.close());

  /** In the log as the previous release's ingestion left it: appended, its delivery record left to the group. */
  async function logged(component: string): Promise<{ cloudEventId: string; deploymentId: string }> {
    const event = deploymentEvent({ component, version: '1', at: '2026-11-20T10:00:00Z' });
    const attributes: CloudEventAttributes = {
      specversion: CLOUD_EVENTS_SPEC_VERSION,
      contentType: JSON_CONTENT_TYPE,
      id: timeOrderedUuid(),
      source: event.data.context.source,
      type: event.definition.type,
      partitionkey: component,
      time: event.data.context.timestamp,
    };
    await sut.dataSource.transaction((manager) =>
      sut.app.get(EventLogService).appendMany(manager, [{ attributes, event: event.data }]),
    );
    return { cloudEventId: attributes.id, deploymentId: event.id };
  }

  const recorded = (id: string) => sut.dataSource.getRepository(Deployment).existsBy({ id });

  it('records those without a processed_messages row of the group, once, and deletes the note', async () => {
    const missed = await logged(uniqueId('missed-'));
    const handled = await logged(uniqueId('handled-'));
    await sut.dataSource.query(
      `INSERT INTO builddata.processed_messages (consumer, message_id) VALUES ('delivery-events', $1)`,
      [handled.cloudEventId],
    );
    // What the migration notes when it finds events in the log.
    await sut.dataSource.query(
      `INSERT INTO builddata.delivery_events_handover (up_to_seq, received_since)
       SELECT max(seq), max(received_at) - interval '1 day' FROM builddata.events`,
    );
    const afterTheNote = await logged(uniqueId('later-'));

    await sut.app.get(DeliveryEventRecorder).recordWhatTheRetiredConsumerMissed();

    expect(await recorded(missed.deploymentId)).toBe(true);
    // The group recorded it (and a later event is ingestion's to record as it comes).
    expect(await recorded(handled.deploymentId)).toBe(false);
    expect(await recorded(afterTheNote.deploymentId)).toBe(false);
    expect(await sut.dataSource.query(`SELECT * FROM builddata.delivery_events_handover`)).toEqual([]);

    // Once: with the note gone, a second start-up records nothing again.
    await sut.dataSource.getRepository(Deployment).delete({ id: missed.deploymentId });
    await sut.app.get(DeliveryEventRecorder).recordWhatTheRetiredConsumerMissed();
    expect(await recorded(missed.deploymentId)).toBe(false);
  });
});
