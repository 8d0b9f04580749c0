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

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const eventTimeSchema = z.iso.datetime({ offset: true });

export const cloudEventAttributesSchema = z.object({
  specversion: z.literal(CLOUD_EVENTS_SPEC_VERSION),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1).optional(),
  time: eventTimeSchema,
  partitionkey: z.string().min(1),
  contentType: z.literal(JSON_CONTENT_TYPE),
  traceparent: z.string().regex(TRACEPARENT, 'must be a W3C traceparent').optional(),
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

const HEADER_ENTRIES = Object.entries(CloudEventHeaders);

/**
 * Kafka headers -> validated attributes. Header values arrive as Buffers (kafkajs) or
 * strings; anything else is a contract violation.
 */
export function fromCloudEventHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>,
): CloudEventAttributes {
  const raw: Record<string, string | undefined> = {};
  for (const [key, header] of HEADER_ENTRIES) {
    const value = headers[header];
    const first = Array.isArray(value) ? value[0] : value;
    raw[key] = first === undefined ? undefined : first.toString();
  }
  // Every message read goes through here, and zod took longer over these ten strings than JSON.parse over
  // the whole event: headers that pass the same checks by hand are taken as they are (zod's output would
  // be this very object); only others go to zod, for its exact errors.
  if (passesAttributeChecks(raw)) return raw as CloudEventAttributes;
  return parseOrThrow(cloudEventAttributesSchema, raw, 'CloudEvent headers');
}

/** cloudEventAttributesSchema's checks, written out: true only where the schema accepts `raw` unchanged. */
function passesAttributeChecks(raw: Record<string, string | undefined>): boolean {
  const { specversion, id, source, type, subject, time, partitionkey, contentType, traceparent, tracestate } = raw;
  return (
    specversion === CLOUD_EVENTS_SPEC_VERSION &&
    contentType === JSON_CONTENT_TYPE &&
    nonEmpty(id) &&
    nonEmpty(source) &&
    nonEmpty(type) &&
    nonEmpty(partitionkey) &&
    (subject === undefined || nonEmpty(subject)) &&
    time !== undefined &&
    EVENT_TIME.test(time) &&
    (traceparent === undefined || TRACEPARENT.test(traceparent)) &&
    (tracestate === undefined || typeof tracestate === 'string')
  );
}

const nonEmpty = (value: string | undefined): value is string => value !== undefined && value.length > 0;

/** The pattern zod checks an ISO date-time with an offset against. */
const EVENT_TIME: RegExp = eventTimeSchema._zod.pattern;
