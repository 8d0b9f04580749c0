import type { z } from 'zod';
import { parseOrThrow } from './contract-violation';

/**
 * Everything the event bus needs to publish or read one kind of message: its
 * CloudEvents type, the topic it travels on, its schema, and how to derive the
 * partition key and CloudEvents subject from the payload.
 */
export interface MessageDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly topic: string;
  readonly schema: S;
  /** Partition key: the run id (or environment / task run id), so related messages stay in order. */
  readonly key: (data: z.output<S>) => string;
  readonly subject: (data: z.output<S>) => string | undefined;
}

export type MessageData<D extends MessageDefinition> = z.output<D['schema']>;

export function defineMessage<S extends z.ZodType>(definition: MessageDefinition<S>): MessageDefinition<S> {
  return Object.freeze(definition);
}

/** Validates a payload against its definition; the error names the message type and every bad field. */
export function parseMessage<D extends MessageDefinition>(definition: D, data: unknown): MessageData<D> {
  return parseOrThrow(definition.schema, data, definition.type) as MessageData<D>;
}
