import { TestServiceUnavailableError } from './errors';
import { resolveKafka } from './kafka';

describe(resolveKafka.name, () => {
  const noContainer = () => Promise.reject(new Error('must not start a container'));

  it('uses KAFKA_BROKERS without probing for Docker', async () => {
    const dockerAvailable = jest.fn(() => Promise.resolve(true));

    const sut = await resolveKafka({
      env: { KAFKA_BROKERS: '127.0.0.1:9092' },
      dockerAvailable,
      startContainer: noContainer,
    });

    expect(sut.brokers).toEqual(['127.0.0.1:9092']);
    expect(dockerAvailable).not.toHaveBeenCalled();
  });

  it('starts a container when KAFKA_BROKERS is unset and Docker is reachable', async () => {
    const sut = await resolveKafka({
      env: {},
      dockerAvailable: () => Promise.resolve(true),
      startContainer: () => Promise.resolve({ brokers: ['localhost:32768'] }),
    });

    expect(sut.brokers).toEqual(['localhost:32768']);
  });

  it('explains how to get Kafka when neither is available', async () => {
    const attempt = resolveKafka({
      env: {},
      dockerAvailable: () => Promise.resolve(false),
      startContainer: noContainer,
    });

    await expect(attempt).rejects.toThrow(TestServiceUnavailableError);
    await expect(attempt).rejects.toThrow(/npm run infra:up.*KAFKA_BROKERS=127\.0\.0\.1:9092.*npm test/);
  });
});
