import { createRequire } from 'node:module';
import { decodeRecord, installFastRecordDecoder, type RecordBatchContext } from './fast-record-decoder';

// kafkajs as Node loads it (not through Jest's module registry), as the decoder does.
const nodeRequire = createRequire(__filename);
type Encoder = {
  writeInt8(value: number): Encoder;
  writeVarLong(value: number | string): Encoder;
  writeVarInt(value: number): Encoder;
  writeVarIntBytes(value: Buffer | string | null): Encoder;
  writeVarIntString(value: string): Encoder;
  writeVarIntArray(items: Encoder[]): Encoder;
  buffer: Buffer;
};
const Encoder = nodeRequire('kafkajs/src/protocol/encoder') as new () => Encoder;
const Decoder = nodeRequire('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const Long = nodeRequire('kafkajs/src/utils/long') as { fromValue(v: string): { toString(): string } };
const { LOG_APPEND_TIME, CREATE_TIME } = nodeRequire('kafkajs/src/protocol/timestampTypes') as Record<string, number>;

// kafkajs' own decoder, read from its file whatever the module cache holds.
const kafkajsDecoder = (() => {
  const path = nodeRequire.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
  const cached = nodeRequire.cache[path];
  delete nodeRequire.cache[path];
  const own = nodeRequire(path) as typeof decodeRecord;
  if (cached) nodeRequire.cache[path] = cached;
  return own;
})();

function record(fields: {
  timestampDelta: number | string;
  offsetDelta: number;
  key: string | null;
  value: string | null;
  headers: [string, string | Buffer | null][];
}): Buffer {
  return new Encoder()
    .writeInt8(0)
    .writeVarLong(fields.timestampDelta)
    .writeVarInt(fields.offsetDelta)
    .writeVarIntBytes(fields.key === null ? null : Buffer.from(fields.key))
    .writeVarIntBytes(fields.value === null ? null : Buffer.from(fields.value))
    .writeVarIntArray(
      fields.headers.map(([key, value]) =>
        new Encoder().writeVarIntString(key).writeVarIntBytes(value === null ? null : Buffer.from(value as string)),
      ),
    ).buffer;
}

const batch: RecordBatchContext = {
  firstOffset: '41',
  firstTimestamp: '1795390829224',
  magicByte: 2,
  isControlBatch: false,
  timestampType: CREATE_TIME,
  maxTimestamp: '1795390839224',
};

describe(decodeRecord.name, () => {
  const cases: [string, Parameters<typeof record>[0], RecordBatchContext][] = [
    [
      'a CloudEvent with its headers',
      {
        timestampDelta: 1_250,
        offsetDelta: 7,
        key: 'run-1',
        value: '{"context":{}}',
        headers: [
          ['ce_id', 'a'],
          ['ce_type', 'dev.cdevents.taskrun.started.0.3.0'],
          ['ce_source', '/pipewright/pipeline-engine'],
        ],
      },
      batch,
    ],
    [
      'a header repeated three times, a null header value, null key and value',
      {
        timestampDelta: 0,
        offsetDelta: 0,
        key: null,
        value: null,
        headers: [
          ['x', '1'],
          ['empty', null],
          ['x', '2'],
          ['x', '3'],
        ],
      },
      batch,
    ],
    [
      'no headers, a negative timestamp delta',
      { timestampDelta: -3, offsetDelta: 1, key: 'k', value: 'v', headers: [] },
      batch,
    ],
    [
      'offsets and timestamps beyond safe integers, a delta beyond 7 bytes',
      { timestampDelta: '9007199254740993', offsetDelta: 5, key: 'k', value: 'v', headers: [] },
      { ...batch, firstOffset: '9223372036854775000', firstTimestamp: '9007199254740990' },
    ],
    [
      'log-append time',
      { timestampDelta: 99, offsetDelta: 2, key: 'k', value: 'v', headers: [] },
      { ...batch, timestampType: LOG_APPEND_TIME },
    ],
  ];

  it.each(cases)('decodes %s as kafkajs does (ASCII header values as strings)', (_, fields, context) => {
    const bytes = record(fields);
    const ours = decodeRecord(new Decoder(bytes) as never, context);
    expect({ ...ours, headers: headersAsBytes(ours.headers) }).toEqual(
      kafkajsDecoder(new Decoder(bytes) as never, context),
    );
    expect(Object.getPrototypeOf(ours.headers)).toBe(Object.prototype);
  });

  it('gives ASCII header values as strings and others as their bytes, unchanged', () => {
    const invalidUtf8 = Buffer.from([0x61, 0xff, 0xfe]);
    const bytes = record({
      timestampDelta: 0,
      offsetDelta: 0,
      key: 'k',
      value: 'v',
      headers: [
        ['ce_id', '01a2524f-e57b-7a29-b195-9d3150bf0829'],
        ['control', '\u0000\u007f'],
        ['accented', 'café'],
        ['raw', invalidUtf8],
        ['empty', ''],
      ],
    });
    const { headers } = decodeRecord(new Decoder(bytes) as never, batch);
    expect(headers).toEqual({
      ce_id: '01a2524f-e57b-7a29-b195-9d3150bf0829',
      control: '\u0000\u007f',
      accented: Buffer.from('café'),
      raw: invalidUtf8,
      empty: '',
    });
  });

  // Where it differs: kafkajs reads `obj[key]` of a plain object, so a header named like a member of
  // Object.prototype starts out as [the inherited member, its value].
  it('decodes headers named like members of Object.prototype as headers', () => {
    const bytes = record({
      timestampDelta: 0,
      offsetDelta: 0,
      key: null,
      value: null,
      headers: [
        ['__proto__', 'a'],
        ['toString', 'b'],
        ['toString', 'c'],
      ],
    });
    const { headers } = decodeRecord(new Decoder(bytes) as never, batch);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'a'],
      ['toString', ['b', 'c']],
    ]);
  });

  it('keeps the whole precision of big offsets', () => {
    const ours = decodeRecord(
      new Decoder(record({ timestampDelta: 0, offsetDelta: 5, key: null, value: null, headers: [] })) as never,
      { ...batch, firstOffset: '9223372036854775000' },
    );
    expect(ours.offset).toBe(Long.fromValue('9223372036854775005').toString());
  });
});

/** Headers as kafkajs gives them: every value a Buffer. */
function headersAsBytes(headers: ReturnType<typeof decodeRecord>['headers']) {
  const bytes = (value: string | Buffer | null) => (typeof value === 'string' ? Buffer.from(value, 'latin1') : value);
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, Array.isArray(value) ? value.map(bytes) : bytes(value)]),
  );
}

describe(installFastRecordDecoder.name, () => {
  it('is the record decoder kafkajs loads once installed', () => {
    expect(installFastRecordDecoder()).toBe(true);
    const recordBatchDecoder = nodeRequire.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
    nodeRequire(recordBatchDecoder);
    expect(nodeRequire('kafkajs/src/protocol/recordBatch/record/v0/decoder.js')).toBe(decodeRecord);
    expect(installFastRecordDecoder()).toBe(true);
  });
});
