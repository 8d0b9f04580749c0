import { EventLogService, type ReceivedEvent } from '../src/events/event-log.service';
import { aRun, attributesOf, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(60_000);

/**
 * What an append stores of each event: its columns and its JSON as received, in the order given. The
 * columns travel as separated text unless a value holds a separator character (then as JSON, see
 * incoming-rows.ts): both ways store the same.
 */
describe('event log append', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  /** `subject` null: the event has none; undefined: the fixture's. */
  const anEvent = (subject?: string | null): ReceivedEvent => {
    const run = aRun();
    const event = queued(run);
    const { subject: fixtures, ...attributes } = attributesOf(event, run.runId);
    if (subject !== null) Object.assign(attributes, { subject: subject ?? fixtures });
    // Spaced as a producer might: stored as it came, not as JSON.stringify would write it.
    return { attributes, event, json: Buffer.from(JSON.stringify(event, null, 1)) };
  };

  async function stored(events: ReceivedEvent[]) {
    const rows = await sut.dataSource.query<Record<string, unknown>[]>(
      `SELECT seq::int, id, cdevent_id, type, source, subject, run_id, component, time, payload
       FROM builddata.events WHERE id = ANY($1) ORDER BY seq`,
      [events.map((e) => e.attributes.id)],
    );
    const first = rows[0]?.seq as number;
    return rows.map(({ seq, ...row }) => ({ position: (seq as number) - first, ...row }));
  }

  const expected = (events: ReceivedEvent[]) =>
    events.map(({ attributes, event, json }, position) => ({
      position,
      id: attributes.id,
      cdevent_id: event.context.id,
      type: attributes.type,
      source: attributes.source,
      subject: attributes.subject ?? null,
      run_id: (event as ReturnType<typeof queued>).subject.id,
      component: 'shop-api',
      time: new Date(event.context.timestamp),
      payload: json!.toString('utf8'),
    }));

  it.each([
    ['plain values (sent as separated text)', [undefined, null, 'zoë ✓', '']],
    ['a value holding a separator character (sent as JSON)', [null, 'odd\u001fsubject', '']],
  ])('stores every column and the JSON as received, in order, with %s', async (_, subjects) => {
    const events = subjects.map((subject) => anEvent(subject));

    const appended = await sut.dataSource.transaction((manager) =>
      sut.app.get(EventLogService).appendMany(manager, events),
    );

    expect([...appended].sort()).toEqual(events.map((e) => e.attributes.id).sort());
    expect(await stored(events)).toEqual(expected(events));
  });
});
