import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 decodes every record's headers with a reduce that copies the headers object built so far
 * into a new one per header (`{...obj, [key]: value}`): quadratic in the headers, and our CloudEvents carry
 * about nine. With the two Long computations per record (offset and timestamp parsed back from strings),
 * that was ~10 % of the build-data repository's ingestion CPU. This decoder returns what kafkajs' own
 * returns (fast-record-decoder.spec.ts decodes the same bytes with both), building the headers in place
 * and adding offset and timestamp deltas as numbers while they are safe integers. Two differences, on
 * purpose:
 * - A header value whose bytes are ASCII comes as a string, not a Buffer (kafkajs' IHeaders allows
 *   both, and every reader of ours turns it into a string anyway). The ingesting service keeps a batch's
 *   messages until its transaction commits, so their headers outlive two scavenges and are promoted:
 *   nine Buffer views per message, and then nine strings made from them, were a good part of what its
 *   garbage collector marked. Other values (any byte >= 0x80) stay bytes, exactly as sent.
 * - A header named like a member of Object.prototype (`__proto__`, `toString`) is just a header;
 *   kafkajs starts its value out as an array holding the inherited member.
 *
 * kafkajs' record-batch decoder captures the record decoder when it is first required, so the replacement
 * goes into the module cache before that: install it before any consumer fetches (event-bus.ts does,
 * when it is loaded).
 */
const nodeRequire = createRequire(__filename);

interface KafkaDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): Long;
  readVarIntString(): string | null;
  readVarIntBytes(): Buffer | null;
}

interface Long {
  add(other: Long | number): Long;
  toString(): string;
}

interface LongStatic {
  fromValue(value: string | number | Long): Long;
}

export interface RecordBatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

type HeaderValue = string | Buffer | null;
type Headers = Record<string, HeaderValue | HeaderValue[]>;

const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
const RECORD_BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';

const Long = nodeRequire('kafkajs/src/utils/long') as LongStatic;
const { LOG_APPEND_TIME } = nodeRequire('kafkajs/src/protocol/timestampTypes') as { LOG_APPEND_TIME: number };

/** `base` (a Long's decimal string) plus `delta`, as kafkajs' Long arithmetic gives it. */
function plus(base: string | undefined, delta: number | Long): string {
  if (typeof delta === 'number' && base !== undefined) {
    const start = Number(base);
    const sum = start + delta;
    if (Number.isSafeInteger(start) && Number.isSafeInteger(sum)) return String(sum);
  }
  return Long.fromValue(base as string)
    .add(delta)
    .toString();
}

/** A zig-zag varlong as a number while it fits in 7 bytes (49 bits, exact in a double); else kafkajs' Long. */
function readVarLong(decoder: KafkaDecoder): number | Long {
  const start = decoder.offset;
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    const byte = decoder.buffer[decoder.offset++]!;
    raw += (byte & 0x7f) * scale;
    if (byte < 0x80) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  decoder.offset = start;
  return decoder.readVarLong();
}

/** A string when every byte is ASCII (the same text in any encoding); else the bytes, as kafkajs reads them. */
function readHeaderValue(decoder: KafkaDecoder): HeaderValue {
  const length = decoder.readVarInt();
  if (length === -1) return null;
  const { buffer, offset } = decoder;
  const end = offset + length;
  decoder.offset = end;
  for (let i = offset; i < end; i++) if (buffer[i]! >= 0x80) return buffer.subarray(offset, end);
  return buffer.toString('latin1', offset, end);
}

/** As kafkajs: a key seen again turns its value into an array of all its values, in order. */
function readHeaders(decoder: KafkaDecoder): Headers {
  const headers: Headers = {};
  const count = decoder.readVarInt();
  for (let i = 0; i < count; i++) {
    const key = String(decoder.readVarIntString());
    const value = readHeaderValue(decoder);
    const known = Object.hasOwn(headers, key) ? headers[key] : undefined;
    const merged = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
    // Assigned (defining every property would turn the object into a slow dictionary), but a "__proto__"
    // header is defined: assigned, it would replace the prototype instead of being a header.
    if (key === '__proto__') {
      Object.defineProperty(headers, key, { value: merged, enumerable: true, writable: true, configurable: true });
    } else {
      headers[key] = merged;
    }
  }
  return headers;
}

export function decodeRecord(decoder: KafkaDecoder, batchContext: RecordBatchContext = {}) {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = readVarLong(decoder);
  const timestamp =
    timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : plus(firstTimestamp, timestampDelta);
  const offset = plus(firstOffset, decoder.readVarInt());
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const headers = readHeaders(decoder);
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/**
 * Puts decodeRecord in kafkajs' place. True when it is (now or already) the one kafkajs uses; false when
 * kafkajs' record-batch decoder was loaded first and holds on to its own (correct, only slower).
 */
export function installFastRecordDecoder(): boolean {
  const version = (nodeRequire('kafkajs/package.json') as { version: string }).version;
  // Checked rather than assumed: another kafkajs may have fixed it, or changed what a record decodes to.
  if (version !== '2.2.4') throw new Error(`the record decoder is written for kafkajs 2.2.4, found ${version}`);
  const path = nodeRequire.resolve(RECORD_DECODER);
  if (nodeRequire.cache[path]?.exports === decodeRecord) return true;
  if (nodeRequire.cache[nodeRequire.resolve(RECORD_BATCH_DECODER)]) return false;
  nodeRequire(path); // a real module entry for Node to keep, whose exports are then ours
  nodeRequire.cache[path]!.exports = decodeRecord;
  return true;
}
