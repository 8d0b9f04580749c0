import { PIPELINE_RUN_QUEUED, PipelineRunQueued } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { DeliveryList, SubscriptionView } from '../src/subscriptions/subscription.dto';
import { aRun, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(90_000);

describe('webhook deliveries across a restart', () => {
  let sut: TestApp;
  let hook: WebhookReceiver;
  let receiverUp = false;

  beforeAll(async () => {
    // Attempts a second apart: the restart falls between two attempts of the first delivery.
    sut = await startApp({
      WEBHOOK_MAX_ATTEMPTS: '20',
      WEBHOOK_BACKOFF_BASE_MS: '1000',
      WEBHOOK_BACKOFF_MAX_MS: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '20',
      // The receiver listens on 127.0.0.1: a self-hosted install allowing internal networks.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    });
    hook = await startWebhookReceiver(() => (receiverUp ? 200 : 503));
  });

  afterAll(async () => {
    await hook?.close();
    await sut?.close();
  });

  const deliveries = async (id: string) =>
    ((await request(sut.http).get(`/subscriptions/${id}/deliveries`).expect(200)).body as DeliveryList).deliveries;

  it('keeps retrying pending deliveries and delivers events stored meanwhile', async () => {
    const component = uniqueId('restarted-');
    const subscription = (
      await request(sut.http)
        .post('/subscriptions')
        .send({
          team: 'checkout',
          url: hook.url,
          filter: { eventTypes: [PIPELINE_RUN_QUEUED], components: [component] },
          secret: 'restart-proof-secret',
        })
        .expect(201)
    ).body as SubscriptionView;

    await sut.engine.publishDirect(PipelineRunQueued, queued(aRun({ component })));
    await waitFor(async () => (await deliveries(subscription.id))[0]?.attempts.length === 1, {
      description: 'the first attempt failed',
    });

    const restarting = sut.restart();
    await sut.engine.publishDirect(PipelineRunQueued, queued(aRun({ component })));
    receiverUp = true;
    await restarting;

    const delivered = await waitFor(
      async () => {
        const list = await deliveries(subscription.id);
        return list.length === 2 && list.every((d) => d.status === 'succeeded') && list;
      },
      { timeoutMs: 30_000, description: 'both deliveries after the restart' },
    );
    const [second, first] = delivered;
    expect(first!.attempts[0]).toMatchObject({ number: 1, httpStatus: 503 });
    expect(first!.attempts.at(-1)).toMatchObject({ httpStatus: 200, error: null });
    expect(second!.attempts.at(-1)).toMatchObject({ httpStatus: 200, error: null });
    const successes = hook.received.filter((r) => r.status === 200).map((r) => r.headers['x-pipewright-delivery']);
    expect(successes.sort()).toEqual([first!.id, second!.id].sort());
  });
});
