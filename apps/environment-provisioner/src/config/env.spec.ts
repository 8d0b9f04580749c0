import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@pipewright/service-runtime';
import { envSchema } from './env';

describe('envSchema', () => {
  it('defaults to port 3003, a log directory under the temp dir and a 10 s stop grace period', () => {
    const sut = parseConfig(envSchema, {});

    expect(sut).toMatchObject({
      PORT: 3003,
      PROVISIONER_LOG_DIR: join(tmpdir(), 'pipewright-environments'),
      PROVISIONER_STOP_GRACE_SECONDS: 10,
    });
  });

  it('makes a relative log directory absolute, so recorded log paths stay valid', () => {
    const sut = parseConfig(envSchema, { PROVISIONER_LOG_DIR: 'logs' });

    expect(sut.PROVISIONER_LOG_DIR).toBe(join(process.cwd(), 'logs'));
  });

  it('names a bad variable', () => {
    expect(() => parseConfig(envSchema, { PROVISIONER_STOP_GRACE_SECONDS: '-1' })).toThrow(ConfigError);
    expect(() => parseConfig(envSchema, { PROVISIONER_STOP_GRACE_SECONDS: '-1' })).toThrow(
      /PROVISIONER_STOP_GRACE_SECONDS/,
    );
  });
});
