import { ConfigError, parseConfig } from '@pipewright/service-runtime';
import { envSchema } from './env';

describe('telemetry-forwarder env', () => {
  it('enables both sinks and listens on 3004 by default', () => {
    const sut = parseConfig(envSchema, {});

    expect(sut.FORWARDER_SINKS).toEqual(['ndjson', 'prometheus']);
    expect(sut.PORT).toBe(3004);
    expect(sut.FORWARDER_NDJSON_PATH).toMatch(/pipewright-logs\.ndjson$/);
  });

  it('takes a comma-separated list of sinks', () => {
    expect(parseConfig(envSchema, { FORWARDER_SINKS: ' prometheus ,prometheus' }).FORWARDER_SINKS).toEqual([
      'prometheus',
    ]);
  });

  it('names an unknown sink', () => {
    const sut = () => parseConfig(envSchema, { FORWARDER_SINKS: 'ndjson,graphite' });

    expect(sut).toThrow(ConfigError);
    expect(sut).toThrow(/FORWARDER_SINKS.*unknown sink "graphite" \(known: ndjson, prometheus\)/);
  });
});
