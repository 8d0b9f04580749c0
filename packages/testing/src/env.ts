import { TestServiceConfigError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** `KAFKA_BROKERS` as a list of `host:port`, or undefined when it is unset or blank. */
export function kafkaBrokersFromEnv(env: Env): string[] | undefined {
  const raw = env.KAFKA_BROKERS?.trim();
  if (!raw) return undefined;
  const brokers = raw
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  const bad = brokers.filter((broker) => !/^[^\s:/]+:\d{1,5}$/.test(broker));
  if (bad.length > 0) {
    throw new TestServiceConfigError(
      `KAFKA_BROKERS must be a comma-separated list of host:port, e.g. 127.0.0.1:9092; got ${JSON.stringify(raw)}`,
    );
  }
  return brokers;
}

/** `DATABASE_URL` (an admin connection that may create databases), or undefined when it is unset or blank. */
export function databaseUrlFromEnv(env: Env): URL | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TestServiceConfigError(
      `DATABASE_URL must be a URL like postgres://postgres@127.0.0.1:5432/postgres; got ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TestServiceConfigError(
      `DATABASE_URL must start with postgres:// or postgresql://; got ${url.protocol}//`,
    );
  }
  return url;
}
