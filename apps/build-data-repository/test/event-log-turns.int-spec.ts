import { waitFor } from '@pipewright/testing';
import { Client, type Notification } from 'pg';
import { EVENTS_CHANNEL, EventLogService } from '../src/events/event-log.service';
import { aRun, attributesOf, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(60_000);

/**
 * Appending transactions insert side by side but commit in the order they took their turns, so seq
 * numbers become visible in order: a reader that has seen seq n never later finds a smaller one.
 */
describe('event log turns', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  const anEvent = () => {
    const event = queued(aRun());
    return { attributes: attributesOf(event, event.subject.id), event };
  };
  const seqsOf = async (ids: string[]) =>
    (
      await sut.dataSource.query<{ seq: string }[]>(
        `SELECT seq FROM builddata.events WHERE id = ANY($1) ORDER BY seq`,
        [ids],
      )
    ).map((row) => Number(row.seq));

  it('makes a later turn wait for an earlier one to commit, so seqs become visible in order', async () => {
    const log = sut.app.get(EventLogService);
    const first = [anEvent(), anEvent()];
    const second = [anEvent(), anEvent()];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstAppended!: () => void;
    const firstInside = new Promise<void>((resolve) => (firstAppended = resolve));

    const firstTx = sut.dataSource.transaction(async (manager) => {
      await log.appendMany(manager, first);
      firstAppended();
      await firstHeld;
    });
    await firstInside;
    let secondDone = false;
    const secondTx = sut.dataSource
      .transaction((manager) => log.appendMany(manager, second))
      .then(() => (secondDone = true));

    // The second inserted its rows (with larger seqs) and now waits for the first turn to end.
    await waitFor(
      async () =>
        (
          await sut.dataSource.query<unknown[]>(
            `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          )
        ).length > 0,
      { timeoutMs: 10_000, description: 'the second transaction waiting for its turn' },
    );
    expect(secondDone).toBe(false);
    expect(await seqsOf(second.map((e) => e.attributes.id))).toEqual([]);

    releaseFirst();
    await Promise.all([firstTx, secondTx]);
    const firstSeqs = await seqsOf(first.map((e) => e.attributes.id));
    const secondSeqs = await seqsOf(second.map((e) => e.attributes.id));
    expect(firstSeqs).toHaveLength(2);
    expect(secondSeqs).toHaveLength(2);
    expect(Math.max(...firstSeqs)).toBeLessThan(Math.min(...secondSeqs));
  });

  it('lets the next turn go when an earlier one rolls back', async () => {
    const log = sut.app.get(EventLogService);
    const rolledBack = anEvent();
    const kept = anEvent();
    await expect(
      sut.dataSource.transaction(async (manager) => {
        await log.appendMany(manager, [rolledBack]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await sut.dataSource.transaction((manager) => log.appendMany(manager, [kept]));

    expect(await seqsOf([rolledBack.attributes.id, kept.attributes.id])).toHaveLength(1);
  });

  it('notifies listeners once per append that stored anything, at commit, with the newest seq', async () => {
    const log = sut.app.get(EventLogService);
    const client = new Client({ connectionString: (sut.dataSource.options as { url: string }).url });
    await client.connect();
    const heard: string[] = [];
    const hear = (message: Notification) => {
      if (message.channel === EVENTS_CHANNEL) heard.push(message.payload!);
    };
    client.on('notification', hear);
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    try {
      const events = [anEvent(), anEvent(), anEvent()];
      let appended!: Set<string>;
      await sut.dataSource.transaction(async (manager) => {
        appended = await log.appendMany(manager, events);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(heard).toEqual([]); // not before the commit
      });
      const seqs = await seqsOf(events.map((e) => e.attributes.id));
      await waitFor(() => heard.length === 1, { description: 'the notification of the append' });
      expect(heard).toEqual([String(Math.max(...seqs))]);
      expect([...appended].sort()).toEqual(events.map((e) => e.attributes.id).sort());

      // The same events again: nothing stored, nothing to hear of.
      await sut.dataSource.transaction(async (manager) => {
        expect((await log.appendMany(manager, events)).size).toBe(0);
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toHaveLength(1);
    } finally {
      await client.end();
    }
  });
});
