import { ConfigError, parseConfig } from '@pipewright/service-runtime';
import { envSchema } from './env';

describe('engine config', () => {
  it('names each instance differently unless told, with 15 s leases', () => {
    const first = parseConfig(envSchema, {});
    const second = parseConfig(envSchema, {});

    expect(first.PIPEWRIGHT_ENGINE_INSTANCE_ID).not.toBe(second.PIPEWRIGHT_ENGINE_INSTANCE_ID);
    expect(first.PIPEWRIGHT_ENGINE_LEASE_SECONDS).toBe(15);
  });

  it('takes the instance id and lease length given', () => {
    const sut = parseConfig(envSchema, {
      PIPEWRIGHT_ENGINE_INSTANCE_ID: ' engine-0 ',
      PIPEWRIGHT_ENGINE_LEASE_SECONDS: '2',
    });

    expect(sut).toMatchObject({ PIPEWRIGHT_ENGINE_INSTANCE_ID: 'engine-0', PIPEWRIGHT_ENGINE_LEASE_SECONDS: 2 });
  });

  it('refuses leases shorter than 2 s or not whole seconds, naming the variable', () => {
    for (const value of ['1', '2.5', 'soon']) {
      const parse = () => parseConfig(envSchema, { PIPEWRIGHT_ENGINE_LEASE_SECONDS: value });
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(/PIPEWRIGHT_ENGINE_LEASE_SECONDS/);
    }
  });
});
