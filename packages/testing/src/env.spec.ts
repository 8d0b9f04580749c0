import { databaseUrlFromEnv, kafkaBrokersFromEnv } from './env';
import { TestServiceConfigError } from './errors';

describe(kafkaBrokersFromEnv.name, () => {
  it('splits a comma-separated list and trims spaces', () => {
    expect(kafkaBrokersFromEnv({ KAFKA_BROKERS: ' 127.0.0.1:9092, kafka-2:19092 ,' })).toEqual([
      '127.0.0.1:9092',
      'kafka-2:19092',
    ]);
  });

  it('treats unset and blank as not configured', () => {
    expect(kafkaBrokersFromEnv({})).toBeUndefined();
    expect(kafkaBrokersFromEnv({ KAFKA_BROKERS: '  ' })).toBeUndefined();
  });

  it('rejects an entry without a port, naming the variable', () => {
    expect(() => kafkaBrokersFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092,localhost' })).toThrow(TestServiceConfigError);
    expect(() => kafkaBrokersFromEnv({ KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS must be .*host:port/);
  });
});

describe(databaseUrlFromEnv.name, () => {
  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' })?.hostname).toBe(
      '127.0.0.1',
    );
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgresql://u:p@db/app' })?.username).toBe('u');
  });

  it('treats unset and blank as not configured', () => {
    expect(databaseUrlFromEnv({})).toBeUndefined();
    expect(databaseUrlFromEnv({ DATABASE_URL: '' })).toBeUndefined();
  });

  it('rejects what is not a Postgres URL, naming the variable', () => {
    expect(() => databaseUrlFromEnv({ DATABASE_URL: '127.0.0.1:5432' })).toThrow(/DATABASE_URL must/);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'mysql://root@db/app' })).toThrow(/DATABASE_URL must start/);
  });
});
