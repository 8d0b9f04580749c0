import { fromCloudEventHeaders, toCloudEventHeaders, type CloudEventAttributes } from './cloud-event';

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
    expect(headers).toMatchObject({ ce_specversion: '1.0', ce_type: attributes.type, 'content-type': 'application/json' });
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
});
