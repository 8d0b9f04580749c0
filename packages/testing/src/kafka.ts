import { dockerAvailable, type DockerProbe } from './docker';
import { kafkaBrokersFromEnv, type Env } from './env';
import { TestServiceUnavailableError } from './errors';

export interface KafkaService {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
}

export interface KafkaSources {
  env: Env;
  dockerAvailable: DockerProbe;
  startContainer: () => Promise<KafkaService>;
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.0';

export const kafkaUnavailableMessage =
  'No Kafka for this test: KAFKA_BROKERS is not set and no Docker engine is reachable for testcontainers. ' +
  'Either start the local broker with `npm run infra:up` and run the tests with KAFKA_BROKERS=127.0.0.1:9092, ' +
  'or run them through `npm test` at the repository root, which starts Kafka itself.';

/** Picks Kafka for tests: `KAFKA_BROKERS`, else a testcontainer when Docker is reachable, else a clear error. */
export async function resolveKafka(sources: KafkaSources): Promise<KafkaService> {
  const brokers = kafkaBrokersFromEnv(sources.env);
  if (brokers) return { brokers };
  if (await sources.dockerAvailable()) return sources.startContainer();
  throw new TestServiceUnavailableError(kafkaUnavailableMessage);
}

async function startKafkaContainer(): Promise<KafkaService> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer(KAFKA_IMAGE).start();
  // The module's plaintext listener for clients on the host is the container's port 9093.
  return { brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`] };
}

let memo: Promise<KafkaService> | undefined;

/**
 * Kafka for integration tests. Memoized per process (under Jest: per test file); a container, if
 * one is started, is removed by testcontainers when the process exits.
 */
export function kafka(): Promise<KafkaService> {
  memo ??= resolveKafka({ env: process.env, dockerAvailable, startContainer: startKafkaContainer });
  return memo;
}
