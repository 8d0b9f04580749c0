import { kafka, topicPrefix } from '@pipewright/testing';
import { EventBus } from '../src/event-bus';

// Services start side by side and each ensures the topics it uses; most lists overlap. One that found
// some of its topics created by another a moment earlier must still get them served before it goes on:
// a consumer subscribing to a topic the broker does not serve yet fails with UNKNOWN_TOPIC_OR_PARTITION.
describe('EventBus.ensureTopics called by several services at once', () => {
  const buses: EventBus[] = [];

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.disconnect()));
  });

  it('returns only when every topic it asked for is served, whoever created it', async () => {
    const { brokers } = await kafka();
    for (let round = 0; round < 3; round++) {
      const prefix = topicPrefix();
      const shared = ['runs', 'tasks', 'logs', 'environments'];
      const lists = Array.from({ length: 5 }, (_, i) => [...shared.slice(i % 2), `own-${i}`]);
      const started = lists.map((topics, i) => {
        const bus = new EventBus({ brokers, service: `ensure-${i}`, topicPrefix: prefix });
        buses.push(bus);
        return { bus, topics };
      });
      await Promise.all(started.map(({ bus }) => bus.connect()));
      // allSettled: every consumer is disconnected before the first failure is reported.
      const outcomes = await Promise.allSettled(
        started.map(async ({ bus, topics }, i) => {
          await bus.ensureTopics(topics);
          // What a service does next: subscribe a consumer, which asks the broker for these topics' metadata.
          const consumer = bus.kafka.consumer({ groupId: `${prefix}ensure-${i}` });
          try {
            await consumer.connect();
            await consumer.subscribe({ topics: topics.map((t) => bus.topic(t)) });
          } finally {
            await consumer.disconnect();
          }
        }),
      );
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
      await Promise.all(buses.splice(0).map((bus) => bus.disconnect()));
    }
  });
});
