import { PIPELINE_RUN_QUEUED, PipelineRunQueued, VERSION_ALLOCATED } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type { EventResponse } from '../src/events/list-events.dto';
import { aRun, queued } from './support/run-events.fixtures';
import { SseClient } from './support/sse-client';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

describe('GET /events/stream', () => {
  let sut: TestApp;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    sut = await startApp({ STREAM_HEARTBEAT_SECONDS: '0.2' });
    await new Promise<void>((resolve) => sut.http.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  afterAll(async () => {
    await sut?.close();
  });

  async function open(query: Record<string, string>, headers: Record<string, string> = {}) {
    const client = await SseClient.open(sut.http, `/events/stream?${new URLSearchParams(query).toString()}`, headers);
    clients.push(client);
    return client;
  }

  const queueRun = (component: string) => {
    const run = aRun({ component });
    return sut.engine.publishDirect(PipelineRunQueued, queued(run)).then(() => run);
  };

  it('streams newly stored events that pass its filters, in seq order, with heartbeats', async () => {
    const component = uniqueId('live-');
    const client = await open({ component });
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toContain('text/event-stream');

    const run = await queueRun(component);
    await queueRun(uniqueId('other-'));
    const events = await client.waitForEvents<EventResponse>(2, 'the run and its version on the stream');

    expect(events.map((e) => e.type).sort()).toEqual([PIPELINE_RUN_QUEUED, VERSION_ALLOCATED].sort());
    expect(events.every((e) => e.runId === run.runId && e.component === component)).toBe(true);
    expect(events.map((e) => e.sseId)).toEqual(events.map((e) => String(e.seq)));
    expect(events[0]!.seq).toBeLessThan(events[1]!.seq);
    await waitFor(() => client.messages.some((m) => m.comment === 'heartbeat'), { description: 'a heartbeat comment' });
  });

  it('streams an event stored by another instance (another connection to the database)', async () => {
    const subject = randomUUID();
    const client = await open({ subject });
    const other = new Client({ connectionString: (sut.dataSource.options as { url: string }).url });
    await other.connect();
    try {
      await other.query(
        `INSERT INTO builddata.events (id, cdevent_id, type, source, subject, time, payload)
         VALUES ($1, $2, 'dev.cdevents.incident.detected.0.2.0', '/elsewhere', $3, now(), '{"context":{}}')`,
        [randomUUID(), randomUUID(), subject],
      );
    } finally {
      await other.end();
    }

    const [event] = await client.waitForEvents<EventResponse>(1, 'the event stored elsewhere');
    expect(event).toMatchObject({ subject, type: 'dev.cdevents.incident.detected.0.2.0', source: '/elsewhere' });
  });

  it('resumes after Last-Event-ID with exactly what the client missed, then goes on live', async () => {
    const component = uniqueId('resume-');
    const first = await open({ component, type: PIPELINE_RUN_QUEUED });
    await queueRun(component);
    const [seen] = await first.waitForEvents<EventResponse>(1, 'the first run');
    first.close();

    const missed = [await queueRun(component), await queueRun(component)];
    await waitFor(
      async () => {
        const page = await request(sut.http).get('/events').query({ component, type: PIPELINE_RUN_QUEUED });
        return (page.body as { items: unknown[] }).items.length === 3;
      },
      { description: 'the missed runs stored' },
    );
    const resumed = await open({ component, type: PIPELINE_RUN_QUEUED }, { 'Last-Event-ID': seen!.sseId });
    const replayed = await resumed.waitForEvents<EventResponse>(2, 'the two missed runs');
    const live = await queueRun(component);
    const all = await resumed.waitForEvents<EventResponse>(3, 'the next run, live');

    expect(
      replayed
        .slice(0, 2)
        .map((e) => e.subject)
        .sort(),
    ).toEqual(missed.map((r) => r.runId).sort());
    expect(all.map((e) => e.subject)).toEqual([...replayed.slice(0, 2).map((e) => e.subject), live.runId]);
  });

  it('answers 400 naming the parameter or header it cannot accept', async () => {
    const badHeader = await request(sut.http).get('/events/stream').set('Last-Event-ID', 'yesterday').expect(400);
    expect(badHeader.body).toMatchObject({ code: 'request.invalid', details: [{ path: 'Last-Event-ID' }] });

    const badQuery = await request(sut.http).get('/events/stream').query({ from: 'soon' }).expect(400);
    expect(badQuery.body).toMatchObject({
      code: 'request.invalid',
      details: [expect.objectContaining({ path: 'from' })],
    });
  });
});
