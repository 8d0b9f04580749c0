import type { KafkaMessage } from 'kafkajs';
import type { EventBus } from '../event-bus';
import { DeadLetterHeaders } from './event-consumer';

/**
 * Sends `message` to `<topic>.dlq` with the error in headers (the same headers EventConsumer writes).
 * If the send fails it throws: the offset is not committed and Kafka redelivers, so nothing is lost.
 */
export async function sendToDeadLetters(
  bus: EventBus,
  where: { topic: string; partition: number; consumer: string; groupId: string },
  message: KafkaMessage,
  error: unknown,
  attempts: number,
): Promise<void> {
  const err = error instanceof Error ? error : new Error(String(error));
  bus.logger.error(
    { err, topic: where.topic, partition: where.partition, offset: message.offset, consumer: where.consumer },
    'message dead-lettered',
  );
  await bus.requireProducer().send({
    topic: `${where.topic}.dlq`,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DeadLetterHeaders.error]: err.message.slice(0, 4_000),
          [DeadLetterHeaders.errorType]: err.name,
          [DeadLetterHeaders.consumer]: where.groupId,
          [DeadLetterHeaders.originalTopic]: where.topic,
          [DeadLetterHeaders.originalPartition]: String(where.partition),
          [DeadLetterHeaders.originalOffset]: message.offset,
          [DeadLetterHeaders.attempts]: String(attempts),
        },
      },
    ],
  });
}
