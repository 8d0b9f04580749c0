import type { ConsumerConfig } from 'kafkajs';

/**
 * Settings every consumer group of ours shares. A short fetch wait keeps stop() quick (messages still
 * arrive at once); a 10 s session (not kafkajs' 30 s) lets a restarted or crashed instance's partitions
 * move to a live one quickly. Long handlers call heartbeat() to stay in the group.
 */
export const consumerSettings = {
  allowAutoTopicCreation: true,
  maxWaitTimeInMs: 1_000,
  sessionTimeout: 10_000,
  heartbeatInterval: 3_000,
} satisfies Omit<ConsumerConfig, 'groupId'>;
