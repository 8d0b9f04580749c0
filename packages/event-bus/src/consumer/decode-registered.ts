import { parseMessage, type MessageDefinition } from '@pipewright/contracts';
import type { KafkaMessage } from 'kafkajs';
import { fromKafkaMessage, type Envelope } from '../envelope';

export interface DecodedMessage<R> {
  envelope: Envelope;
  registration: R;
  /** The message's data, checked against its contract. */
  data: unknown;
}

/**
 * Decodes a Kafka message for a consumer that handles the types in `registrations`. Returns `undefined`
 * for a type nobody registered (topics are shared by several types); throws when the message is not a
 * valid CloudEvent or its data fails the contract, which the caller dead-letters.
 */
export function decodeRegistered<R extends { definition: MessageDefinition }>(
  message: KafkaMessage,
  registrations: ReadonlyMap<string, R>,
): DecodedMessage<R> | undefined {
  const envelope = fromKafkaMessage(message);
  const registration = registrations.get(envelope.attributes.type);
  if (!registration) return undefined;
  return { envelope, registration, data: parseMessage(registration.definition, envelope.data) };
}
