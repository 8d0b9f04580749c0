import { z } from 'zod';
import { parseOrThrow } from './contract-violation';

/**
 * CloudEvents 1.0 in Kafka *binary* mode: the attributes travel as `ce_*` headers and
 * the Kafka value is the event data itself (JSON). Trace context rides along in the
 * W3C `traceparent`/`tracestate` headers.
 */
export const CloudEventHeaders = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  subject: 'ce_subject',
  time: 'ce_time',
  partitionkey: 'ce_partitionkey',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export const CLOUD_EVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

export const cloudEventAttributesSchema = z.object({
  specversion: z.literal(CLOUD_EVENTS_SPEC_VERSION),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1).optional(),
  time: z.iso.datetime({ offset: true }),
  partitionkey: z.string().min(1),
  contentType: z.literal(JSON_CONTENT_TYPE),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')
    .optional(),
  tracestate: z.string().optional(),
});
export type CloudEventAttributes = z.infer<typeof cloudEventAttributesSchema>;

/** Attributes -> Kafka headers (string values; absent attributes are omitted). */
export function toCloudEventHeaders(attributes: CloudEventAttributes): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, header] of Object.entries(CloudEventHeaders) as [keyof CloudEventAttributes, string][]) {
    const value = attributes[key];
    if (value !== undefined) headers[header] = value;
  }
  return headers;
}

/**
 * Kafka headers -> validated attributes. Header values arrive as Buffers (kafkajs) or
 * strings; anything else is a contract violation.
 */
export function fromCloudEventHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>,
): CloudEventAttributes {
  const raw: Record<string, string | undefined> = {};
  for (const [key, header] of Object.entries(CloudEventHeaders)) {
    const value = headers[header];
    const first = Array.isArray(value) ? value[0] : value;
    raw[key] = first === undefined ? undefined : first.toString();
  }
  return parseOrThrow(cloudEventAttributesSchema, raw, 'CloudEvent headers');
}
