import { isUtf8 } from 'node:buffer';
import {
  CLOUD_EVENTS_SPEC_VERSION,
  JSON_CONTENT_TYPE,
  ContractViolation,
  fromCloudEventHeaders,
  toCloudEventHeaders,
  type CloudEventAttributes,
  timeOrderedUuid,
} from '@pipewright/contracts';
import type { IHeaders, Message } from 'kafkajs';

/** A message as it travels: CloudEvents attributes + JSON data. */
export interface Envelope {
  attributes: CloudEventAttributes;
  data: unknown;
}

export function newAttributes(fields: {
  id?: string;
  source: string;
  type: string;
  subject?: string | undefined;
  partitionkey: string;
  time?: string;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): CloudEventAttributes {
  return {
    specversion: CLOUD_EVENTS_SPEC_VERSION,
    contentType: JSON_CONTENT_TYPE,
    id: fields.id ?? timeOrderedUuid(),
    time: fields.time ?? new Date().toISOString(),
    source: fields.source,
    type: fields.type,
    partitionkey: fields.partitionkey,
    ...(fields.subject ? { subject: fields.subject } : {}),
    ...(fields.traceparent ? { traceparent: fields.traceparent } : {}),
    ...(fields.tracestate ? { tracestate: fields.tracestate } : {}),
  };
}

/** Binary mode: attributes in headers, data as the JSON value, keyed by the partition key. */
export function toKafkaMessage(envelope: Envelope): Message {
  return {
    key: envelope.attributes.partitionkey,
    value: JSON.stringify(envelope.data),
    headers: toCloudEventHeaders(envelope.attributes),
  };
}

/** An envelope as read from Kafka. */
export interface ReceivedEnvelope extends Envelope {
  /**
   * The value as received: `data`'s JSON text in UTF-8 (checked), for storing it as it came. A Buffer, not
   * a string: it is a view into the fetched bytes, so holding it until the batch commits costs the garbage
   * collector nothing, and the bytes go to Postgres without being encoded again.
   */
  value: Buffer;
}

/**
 * Reads a Kafka message back; a message that is not a CloudEvent with a JSON value in UTF-8 is a
 * ContractViolation (decoding would have replaced invalid bytes silently).
 */
export function fromKafkaMessage(message: { headers?: IHeaders | undefined; value: Buffer | null }): ReceivedEnvelope {
  const attributes = fromCloudEventHeaders(message.headers ?? {});
  const { value } = message;
  if (value === null) throw new ContractViolation(attributes.type, [{ path: '', message: 'empty value' }]);
  if (!isUtf8(value)) throw new ContractViolation(attributes.type, [{ path: '', message: 'value is not UTF-8' }]);
  try {
    return { attributes, data: JSON.parse(value.toString('utf8')) as unknown, value };
  } catch (error) {
    throw new ContractViolation(attributes.type, [
      { path: '', message: `value is not JSON: ${(error as Error).message}` },
    ]);
  }
}
