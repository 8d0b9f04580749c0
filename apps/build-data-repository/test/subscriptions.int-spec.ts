import { PIPELINE_RUN_QUEUED, PIPELINE_RUN_STARTED, PipelineRunStarted } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { DeliveryList, SubscriptionView } from '../src/subscriptions/subscription.dto';
import { WebhookHeaders, verifyWebhook } from '../src/subscriptions/webhook-signature';
import { aRun, started, type RunFixture } from './support/run-events.fixtures';
import { queueRun } from './support/run-stored';
import { startApp, type TestApp } from './support/start-app';
import { startWebhookReceiver, unusedUrl, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(90_000);

const MAX_ATTEMPTS = 4;

describe('webhook subscriptions', () => {
  let sut: TestApp;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    sut = await startApp({
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_BASE_MS: '50',
      WEBHOOK_BACKOFF_MAX_MS: '200',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_POLL_INTERVAL_MS: '20',
      // The receivers listen on 127.0.0.1, an address webhooks may not go to unless allowed.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await sut?.close();
  });

  async function receiver(statusFor: (n: number) => number) {
    const started = await startWebhookReceiver(statusFor);
    receivers.push(started);
    return started;
  }

  async function subscribe(body: Record<string, unknown>): Promise<SubscriptionView> {
    return (await request(sut.http).post('/subscriptions').send(body).expect(201)).body as SubscriptionView;
  }

  const queuedAndStored = async (run: RunFixture) => {
    await queueRun(sut, run);
  };

  async function deliveriesWhen(id: string, done: (list: DeliveryList) => boolean): Promise<DeliveryList> {
    return waitFor(
      async () => {
        const list = (await request(sut.http).get(`/subscriptions/${id}/deliveries`).expect(200)).body as DeliveryList;
        return done(list) && list;
      },
      { timeoutMs: 30_000, description: `deliveries of subscription ${id}` },
    );
  }

  it('delivers a matching event once, signed, to a receiver that fails twice first: three attempts recorded', async () => {
    const component = uniqueId('hooked-');
    const secret = 'a-secret-of-the-checkout-team';
    const before = aRun({ component });
    await queuedAndStored(before);
    const hook = await receiver((n) => (n === 1 ? 500 : n === 2 ? 503 : 200));

    const subscription = await subscribe({
      team: 'checkout',
      url: hook.url,
      filter: { eventTypes: [PIPELINE_RUN_QUEUED], components: [component] },
      secret,
    });
    expect(subscription).toMatchObject({
      team: 'checkout',
      url: hook.url,
      filter: { eventTypes: [PIPELINE_RUN_QUEUED], components: [component], teams: [] },
    });
    expect(subscription).not.toHaveProperty('secret');

    const run = aRun({ component });
    await queuedAndStored(run);
    // Neither another type nor another component is delivered.
    await sut.engine.publishDirect(PipelineRunStarted, started(run, '2'));
    await queuedAndStored(aRun({ component: uniqueId('elsewhere-') }));

    const { deliveries } = await deliveriesWhen(subscription.id, (list) => list.deliveries[0]?.status === 'succeeded');
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery).toMatchObject({ eventType: PIPELINE_RUN_QUEUED, status: 'succeeded', nextAttemptAt: null });
    expect(delivery!.attempts.map((a) => [a.number, a.httpStatus, a.error])).toEqual([
      [1, 500, 'HTTP 500: try again later'],
      [2, 503, 'HTTP 503: try again later'],
      [3, 200, null],
    ]);

    expect(hook.received).toHaveLength(3);
    expect(hook.received.filter((r) => r.status === 200)).toHaveLength(1);
    for (const { headers, body } of hook.received) {
      expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(headers[WebhookHeaders.delivery]).toBe(delivery!.id);
      const signed = {
        signature: headers[WebhookHeaders.signature] as string,
        timestamp: headers[WebhookHeaders.timestamp] as string,
      };
      expect(verifyWebhook(secret, signed, body)).toBe(true);
      expect(verifyWebhook('not-the-secret-at-all', signed, body)).toBe(false);
    }
    const event = JSON.parse(hook.received[2]!.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1.0',
      id: delivery!.eventId,
      type: PIPELINE_RUN_QUEUED,
      source: '/pipewright/pipeline-engine',
      subject: run.runId,
      datacontenttype: 'application/json',
      data: { subject: { id: run.runId }, customData: { component } },
    });
  });

  it('dead-letters a delivery whose receiver always fails, after the attempt limit', async () => {
    const component = uniqueId('down-');
    const hook = await receiver(() => 500);
    const subscription = await subscribe({
      team: 'checkout',
      url: hook.url,
      filter: { eventTypes: [PIPELINE_RUN_QUEUED], components: [component] },
      secret: 'another-long-secret',
    });

    await queuedAndStored(aRun({ component }));

    const { deliveries } = await deliveriesWhen(subscription.id, (list) => list.deliveries[0]?.status === 'dead');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.attempts.map((a) => a.httpStatus)).toEqual(Array(MAX_ATTEMPTS).fill(500));
    expect(deliveries[0]?.finishedAt).toEqual(expect.any(String));
    expect(hook.received).toHaveLength(MAX_ATTEMPTS);

    const dead = await request(sut.http).get(`/subscriptions/${subscription.id}/deliveries?status=dead`).expect(200);
    expect(dead.body.deliveries).toHaveLength(1);
    const none = await request(sut.http).get(`/subscriptions/${subscription.id}/deliveries?status=succeeded`);
    expect(none.body.deliveries).toHaveLength(0);
  });

  it('matches by team and by type prefix, and records a receiver that is not there', async () => {
    const team = uniqueId('team-');
    const ours = aRun({ component: uniqueId('ours-'), team });
    const hook = await receiver(() => 204);
    const subscription = await subscribe({
      team,
      url: hook.url,
      filter: { eventTypes: ['dev.cdevents.pipelinerun.*'], teams: [team] },
      secret: 'the-third-long-secret',
    });
    const unreachable = await subscribe({
      team,
      url: await unusedUrl(),
      filter: { eventTypes: [PIPELINE_RUN_STARTED], teams: [team] },
      secret: 'the-fourth-long-secret',
    });

    await queuedAndStored(ours);
    await sut.engine.publishDirect(PipelineRunStarted, started(ours, '1'));
    await queuedAndStored(aRun({ component: uniqueId('theirs-'), team: uniqueId('other-team-') }));

    const { deliveries } = await deliveriesWhen(
      subscription.id,
      (list) => list.deliveries.length === 2 && list.deliveries.every((d) => d.status === 'succeeded'),
    );
    expect(deliveries.map((d) => d.eventType).sort()).toEqual([PIPELINE_RUN_QUEUED, PIPELINE_RUN_STARTED]);
    const failing = await deliveriesWhen(unreachable.id, (list) => (list.deliveries[0]?.attempts.length ?? 0) > 0);
    expect(failing.deliveries[0]?.attempts[0]).toMatchObject({
      httpStatus: null,
      error: expect.stringMatching(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
    });
  });

  it.each([
    ['http://localhost:8080/hooks', 'localhost resolves to'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://10.1.2.3/hooks', '10.1.2.3 is a private address'],
    ['http://[::1]:8080/hooks', '::1 is a loopback address'],
    ['http://[fd00::7]/hooks', 'fd00::7 is a unique-local address'],
    ['http://0.0.0.0:8080/', '0.0.0.0 is a unspecified address'],
  ])('refuses to register %s, an internal address, with a 400 naming url', async (url, reason) => {
    const response = await request(sut.http)
      .post('/subscriptions')
      .send({ team: 'checkout', url, secret: 'a-secret-long-enough' })
      .expect(400);

    expect(response.body).toMatchObject({ code: 'request.invalid', details: [{ path: 'url' }] });
    expect(response.body.details[0].message).toContain(reason);
    expect(response.body.details[0].message).toContain('WEBHOOK_ALLOWED_HOSTS');
  });

  it('refuses at delivery a host that has come to resolve to an internal address since it was registered', async () => {
    const component = uniqueId('rebound-');
    const hook = await receiver(() => 200);
    const subscription = await subscribe({
      team: 'checkout',
      url: hook.url,
      filter: { components: [component] },
      secret: 'a-rebinding-long-secret',
    });
    // What DNS rebinding does to a host that was public at registration, done to the stored URL here:
    // `localhost` names the receiver, on an address that is not allowed.
    await sut.dataSource.query(`UPDATE subscriptions SET url = $2 WHERE id = $1`, [
      subscription.id,
      hook.url.replace('127.0.0.1', 'localhost'),
    ]);

    await queuedAndStored(aRun({ component }));

    const { deliveries } = await deliveriesWhen(
      subscription.id,
      (list) => (list.deliveries[0]?.attempts.length ?? 0) > 0,
    );
    expect(deliveries[0]?.attempts[0]).toMatchObject({
      httpStatus: null,
      error: expect.stringMatching(/^localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/),
    });
    expect(hook.received).toHaveLength(0);
  });

  it('lists, validates and deletes subscriptions', async () => {
    const team = uniqueId('listing-');
    const hook = await receiver(() => 200);
    const subscription = await subscribe({ team, url: hook.url, secret: 'listing-long-secret' });

    const listed = await request(sut.http).get(`/subscriptions?team=${team}`).expect(200);
    expect(listed.body.subscriptions).toEqual([subscription]);
    expect(JSON.stringify(listed.body)).not.toContain('listing-long-secret');

    const invalid = await request(sut.http)
      .post('/subscriptions')
      .send({ team, url: 'ftp://example.com', secret: 'short', filter: { eventTypes: ['not a type'] } })
      .expect(400);
    expect((invalid.body.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'filter.eventTypes.0',
      'secret',
      'url',
    ]);
    const badTeam = await request(sut.http).get('/subscriptions?team=%20').expect(400);
    expect(badTeam.body.details[0].path).toBe('team');
    const badLimit = await request(sut.http).get(`/subscriptions/${subscription.id}/deliveries?limit=0`).expect(400);
    expect(badLimit.body.details[0].path).toBe('limit');
    await request(sut.http).get('/subscriptions/not-a-uuid/deliveries').expect(400);

    await request(sut.http).delete(`/subscriptions/${subscription.id}`).expect(204);
    await request(sut.http).delete(`/subscriptions/${subscription.id}`).expect(404);
    await request(sut.http).get(`/subscriptions/${subscription.id}/deliveries`).expect(404);
    const after = await request(sut.http).get(`/subscriptions?team=${team}`).expect(200);
    expect(after.body.subscriptions).toEqual([]);
  });
});
