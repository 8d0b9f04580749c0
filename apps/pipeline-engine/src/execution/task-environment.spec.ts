import { taskBaseEnvironment } from './task-environment';

describe(taskBaseEnvironment.name, () => {
  it("gives tasks the engine's environment without the engine's own configuration", () => {
    const sut = taskBaseEnvironment({
      PATH: '/bin',
      HOME: '/home/x',
      UNSET: undefined,
      DATABASE_URL: 'postgres://secret',
      KAFKA_BROKERS: 'k:9092',
      PORT: '3001',
      PIPEWRIGHT_FLAVOURS_DIRS: '/srv/flavours',
    });

    expect(sut).toEqual({ PATH: '/bin', HOME: '/home/x' });
  });
});
