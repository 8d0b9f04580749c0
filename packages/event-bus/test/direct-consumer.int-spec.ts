import { randomUUID } from 'node:crypto';
import {
  TASK_ASSIGNMENT_ACCEPTED,
  TaskAssignmentAccepted,
  deadLetterTopic,
  type TaskAssignmentAccepted as Accepted,
} from '@pipewright/contracts';
import { kafka, topicPrefix, uniqueId } from '@pipewright/testing';
import { DeadLetterHeaders, DirectConsumer, EventBus, EventTap } from '../src';

describe(DirectConsumer.name, () => {
  let bus: EventBus;
  let tap: EventTap;
  let sut: DirectConsumer;
  let brokers: string[];
  const handled: Accepted[] = [];

  beforeAll(async () => {
    ({ brokers } = await kafka());
    bus = new EventBus({ brokers, service: 'direct-consumer-test', topicPrefix: topicPrefix() });
    await bus.connect();
    await bus.ensureTopics([TaskAssignmentAccepted.topic]);
    tap = await EventTap.open(bus, [deadLetterTopic(TaskAssignmentAccepted.topic)]);
    sut = new DirectConsumer({ bus, groupId: 'direct-test' }).on(TaskAssignmentAccepted, async (data) => {
      handled.push(data);
    });
    await sut.start();
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await tap?.close();
    await bus?.disconnect();
  }, 60_000);

  it('hands valid messages to the handler without a database, and dead-letters invalid ones', async () => {
    const assignmentId = randomUUID();
    const accepted = { assignmentId, runId: randomUUID(), workerId: 'host-1', acceptedAt: new Date().toISOString() };
    await bus.publishDirect(TaskAssignmentAccepted, accepted);
    // A broken body, published raw as a buggy worker would (publishDirect validates first).
    await bus.sendRaw(TaskAssignmentAccepted.topic, {
      key: accepted.runId,
      value: JSON.stringify({ ...accepted, workerId: 'has spaces' }),
      headers: {
        ce_specversion: '1.0',
        ce_id: randomUUID(),
        ce_source: '/test',
        ce_type: TASK_ASSIGNMENT_ACCEPTED,
        ce_time: new Date().toISOString(),
        ce_partitionkey: accepted.runId,
        'content-type': 'application/json',
      },
    });

    const dead = await tap.waitFor((m) => m.topic.endsWith('.dlq'), { description: 'the invalid message' });
    expect(dead.headers[DeadLetterHeaders.error]).toContain('workerId: use letters, digits');
    // Same key, same partition: the valid message was handled before the invalid one was read.
    expect(handled.map((h) => h.assignmentId)).toContain(assignmentId);
    expect(handled.some((h) => h.workerId === 'has spaces')).toBe(false);
  }, 60_000);

  it('commits a message when its handler says so, before the handler returns', async () => {
    // Topics of their own: the held message is the only one.
    const own = new EventBus({ brokers, service: 'direct-consumer-test', topicPrefix: `${uniqueId('t')}.` });
    await own.connect();
    await own.ensureTopics([TaskAssignmentAccepted.topic]);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let committed = () => {};
    const commitDone = new Promise<void>((resolve) => (committed = resolve));
    const holder = new DirectConsumer({ bus: own, groupId: 'direct-commit-test' }).on(
      TaskAssignmentAccepted,
      async (_data, { commit }) => {
        await commit();
        committed();
        await held; // still running, as a task started after its commit would be
      },
    );
    const admin = own.kafka.admin();
    await admin.connect();
    try {
      await holder.start();
      await own.publishDirect(TaskAssignmentAccepted, {
        assignmentId: randomUUID(),
        runId: randomUUID(),
        workerId: 'host-2',
        acceptedAt: new Date().toISOString(),
      });
      await commitDone;

      // Committed while its handler runs (kafkajs alone commits after the handler, at the end of the batch).
      const topic = own.topic(TaskAssignmentAccepted.topic);
      const [withMessage, ...others] = (await admin.fetchTopicOffsets(topic)).filter((p) => p.high !== '0');
      expect(others).toEqual([]);
      const [group] = await admin.fetchOffsets({ groupId: holder.groupId, topics: [topic] });
      expect(group?.partitions.find((p) => p.partition === withMessage?.partition)?.offset).toBe(withMessage?.high);
    } finally {
      release();
      await holder.stop();
      await admin.disconnect();
      await own.disconnect();
    }
  }, 60_000);
});
