import { taskEnvironment } from './task-environment';

describe(taskEnvironment.name, () => {
  const base = { runId: 'run-1', version: '1.2.3', component: 'shop' };

  it("gives the task the engine's environment without the engine's own configuration", () => {
    const sut = taskEnvironment({
      ...base,
      inherited: {
        PATH: '/bin',
        HOME: '/home/x',
        DATABASE_URL: 'postgres://secret',
        KAFKA_BROKERS: 'k:9092',
        PORT: '3001',
      },
      task: {},
    });

    expect(sut).toEqual({
      PATH: '/bin',
      HOME: '/home/x',
      PIPEWRIGHT_RUN_ID: 'run-1',
      PIPEWRIGHT_VERSION: '1.2.3',
      PIPEWRIGHT_COMPONENT: 'shop',
    });
  });

  it("puts the task's variables over the inherited ones and the run's facts over both", () => {
    const sut = taskEnvironment({
      ...base,
      inherited: { GREETING: 'hello', PIPEWRIGHT_VERSION: 'stale' },
      task: { GREETING: 'hi', PIPEWRIGHT_RUN_ID: 'forged' },
      environmentUrl: 'http://127.0.0.1:4000',
    });

    expect(sut).toMatchObject({
      GREETING: 'hi',
      PIPEWRIGHT_RUN_ID: 'run-1',
      PIPEWRIGHT_VERSION: '1.2.3',
      PIPEWRIGHT_ENV_URL: 'http://127.0.0.1:4000',
    });
  });
});
