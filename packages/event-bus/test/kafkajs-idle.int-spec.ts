import { setTimeout as sleep } from 'node:timers/promises';
import { kafka, topicPrefix } from '@pipewright/testing';
import { EventBus } from '../src/event-bus';

// kafkajs 2.2.4 alone re-arms a 1 ms timer per broker connection forever (see request-queue-idle-fix.ts).
describe('an idle connected EventBus', () => {
  let bus: EventBus;

  beforeAll(async () => {
    const { brokers } = await kafka();
    bus = new EventBus({ brokers, service: 'idle-spec', topicPrefix: topicPrefix() });
    await bus.connect();
    await bus.ensureTopics(['idle-spec']);
    await bus.sendRaw('idle-spec', { key: 'k', value: 'v' });
  });

  afterAll(() => bus?.disconnect());

  it('does not wake the event loop every millisecond', async () => {
    await sleep(200); // let the producer's and admin's requests settle
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    try {
      await sleep(500);
      // kafkajs keeps a few timers of its own (request timeouts, metadata refresh): a handful, not ~500 per connection.
      expect(setTimeoutSpy.mock.calls.length).toBeLessThan(25);
    } finally {
      setTimeoutSpy.mockRestore();
    }
  });

  it('still sends and answers after being idle', async () => {
    await sleep(100);
    await bus.sendRaw('idle-spec', { key: 'k', value: 'again' });
    await expect(bus.ping()).resolves.toBeUndefined();
  });
});
