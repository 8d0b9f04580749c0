// Proves that kafkajs 2.2.4 (the client event-bus is built on) works against the broker the tests
// get from @pipewright/testing: admin, idempotent producer, consumer group with per-key order.
import { Kafka, logLevel, Partitioners, type Admin, type EachMessagePayload } from 'kafkajs';
import { kafka, topicPrefix, waitFor } from '@pipewright/testing';

interface Received {
  key: string;
  value: string;
  partition: number;
}

describe('kafkajs against the test broker', () => {
  let client: Kafka;
  let admin: Admin;
  const topic = `${topicPrefix()}broker-smoke`;
  const groupId = `${topicPrefix()}broker-smoke-group`;

  beforeAll(async () => {
    const { brokers } = await kafka();
    client = new Kafka({ clientId: 'kafka-broker-int-spec', brokers, logLevel: logLevel.WARN });
    admin = client.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster();

    expect(cluster.clusterId).toEqual(expect.any(String));
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
  });

  it('creates a topic with the partitions asked for', async () => {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    expect(created).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('delivers keyed messages from an idempotent producer to a consumer group, in order per key', async () => {
    const producer = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'run-a', value: 'a1' },
        { key: 'run-b', value: 'b1' },
        { key: 'run-a', value: 'a2' },
        { key: 'run-b', value: 'b2' },
      ],
    });
    await producer.disconnect();

    const received: Received[] = [];
    // A short fetch long-poll: disconnect() waits for the fetch in flight, which otherwise takes up to 5 s.
    const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }: EachMessagePayload) => {
        received.push({ key: String(message.key), value: String(message.value), partition });
      },
    });
    try {
      await waitFor(() => received.length >= 4, {
        timeoutMs: 30_000,
        description: 'the consumer to receive 4 messages',
      });
    } finally {
      await consumer.disconnect();
    }

    const byKey = (key: string) => received.filter((m) => m.key === key);
    expect(byKey('run-a').map((m) => m.value)).toEqual(['a1', 'a2']);
    expect(byKey('run-b').map((m) => m.value)).toEqual(['b1', 'b2']);
    expect(new Set(byKey('run-a').map((m) => m.partition)).size).toBe(1);

    // The group committed what it consumed, so a restarted consumer would not see it again.
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(4);
  }, 60_000);
});
