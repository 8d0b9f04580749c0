import type { Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../event-bus';
import { fromKafkaMessage, type Envelope } from '../envelope';

export interface TappedMessage extends Envelope {
  topic: string;
  headers: Record<string, string>;
}

/**
 * Reads topics from the beginning with a throw-away consumer group and keeps what it saw:
 * lets tests (and tools that follow a run) await an event instead of sleeping.
 */
export class EventTap {
  readonly messages: TappedMessage[] = [];
  private waiters: { predicate: (m: TappedMessage) => boolean; resolve: (m: TappedMessage) => void }[] = [];

  private constructor(private readonly consumer: Consumer) {}

  /** Topics are logical names; `.dlq` suffixes are fine. */
  static async open(bus: EventBus, logicalTopics: readonly string[]): Promise<EventTap> {
    const consumer = bus.kafka.consumer({ groupId: bus.topic(`tap.${randomUUID()}`), allowAutoTopicCreation: true });
    const tap = new EventTap(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: logicalTopics.map((t) => bus.topic(t)), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]),
        );
        let envelope: Envelope;
        try {
          envelope = fromKafkaMessage(message);
        } catch {
          envelope = { attributes: undefined as never, data: message.value?.toString() };
        }
        tap.add({ ...envelope, topic, headers });
      },
    });
    return tap;
  }

  /** Resolves with the first message (seen before or after the call) that matches. */
  waitFor(
    predicate: (m: TappedMessage) => boolean,
    { timeoutMs = 30_000, description = 'a matching message' }: { timeoutMs?: number; description?: string } = {},
  ): Promise<TappedMessage> {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${description} (saw ${this.messages.length} messages)`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (m: TappedMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  private add(message: TappedMessage) {
    this.messages.push(message);
    for (const waiter of this.waiters.filter((w) => w.predicate(message))) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(message);
    }
  }
}
