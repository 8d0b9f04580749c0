import {
  cloudEventAttributesSchema,
  fromCloudEventHeaders,
  toCloudEventHeaders,
  type CloudEventAttributes,
} from './cloud-event';

const attributes: CloudEventAttributes = {
  specversion: '1.0',
  id: 'e-1',
  source: '/pipewright/pipeline-engine',
  type: 'dev.cdevents.pipelinerun.queued.0.3.0',
  subject: 'run-1',
  time: '2026-11-22T10:00:00.000Z',
  partitionkey: 'run-1',
  contentType: 'application/json',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

describe('CloudEvents binary-mode headers', () => {
  it('writes ce_* headers and reads them back from Kafka buffers', () => {
    const headers = toCloudEventHeaders(attributes);
    expect(headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: attributes.type,
      'content-type': 'application/json',
    });
    expect(headers).not.toHaveProperty('tracestate');
    const fromKafka = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromCloudEventHeaders(fromKafka)).toEqual(attributes);
  });

  it('names each missing or malformed header', () => {
    const headers: Record<string, string> = { ...toCloudEventHeaders(attributes), traceparent: 'nope' };
    delete headers.ce_id;
    expect(() => fromCloudEventHeaders(headers)).toThrow(
      'CloudEvent headers is invalid: id: Invalid input: expected string, received undefined; traceparent: must be a W3C traceparent',
    );
  });

  it('accepts exactly the headers its schema accepts, as the schema outputs them', () => {
    const valid = toCloudEventHeaders(attributes);
    const variants: Record<string, string | undefined>[] = [valid];
    const values: Record<string, (string | undefined)[]> = {
      ce_specversion: [undefined, '', '1.0 ', '0.3'],
      ce_id: [undefined, '', ' '],
      ce_source: [undefined, ''],
      ce_type: [undefined, ''],
      ce_subject: [undefined, ''],
      ce_partitionkey: [undefined, ''],
      'content-type': [undefined, 'application/json; charset=utf-8', 'text/plain'],
      ce_time: [
        undefined,
        '',
        '2026-11-22T10:00:00Z',
        '2026-11-22T10:00:00.123456+01:00',
        '2026-11-22T10:00:00.000-05:30',
        '2026-11-22T10:00:00.000',
        '2026-11-22 10:00:00.000Z',
        '2026-11-22T10:00:00.000z',
        '2026-02-30T10:00:00.000Z',
        '2028-02-29T10:00:00.000Z',
        '2027-02-29T10:00:00.000Z',
        '2026-11-22T24:00:00.000Z',
        '2026-11-22T10:00:00.000+0100',
      ],
      traceparent: [undefined, '', 'nope', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
      tracestate: [undefined, '', 'vendor=1'],
    };
    for (const [header, options] of Object.entries(values)) {
      for (const value of options) variants.push({ ...valid, [header]: value });
    }
    for (const headers of variants) {
      const present = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >;
      const raw = {
        specversion: present.ce_specversion,
        id: present.ce_id,
        source: present.ce_source,
        type: present.ce_type,
        subject: present.ce_subject,
        time: present.ce_time,
        partitionkey: present.ce_partitionkey,
        contentType: present['content-type'],
        traceparent: present.traceparent,
        tracestate: present.tracestate,
      };
      const expected = cloudEventAttributesSchema.safeParse(raw);
      if (expected.success) expect(fromCloudEventHeaders(present)).toStrictEqual(expected.data);
      else expect(() => fromCloudEventHeaders(present)).toThrow('CloudEvent headers is invalid');
    }
  });
});
