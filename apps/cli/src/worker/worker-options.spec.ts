import { MAX_LOG_LINE_LENGTH } from '@pipewright/contracts';
import { MAX_LINE_LENGTH } from '@pipewright/engine-core';
import { parseCommandArgs } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import { workerCommand } from './worker.command';
import { workerOptions } from './worker-options';

const options = (argv: string[], env: Record<string, string> = {}) =>
  workerOptions(parseCommandArgs(workerCommand.spec, argv), env);

describe(workerOptions.name, () => {
  it('reads the pool, concurrency, id and brokers', () => {
    expect(
      options(['--pool', 'linux', '--concurrency', '3', '--id', 'build-1'], { KAFKA_BROKERS: 'a:9092,b:9093' }),
    ).toEqual({
      pool: 'linux',
      concurrency: 3,
      workerId: 'build-1',
      brokers: ['a:9092', 'b:9093'],
      topicPrefix: '',
    });
  });

  it('defaults to one task at a time, the local broker and an id of host and pid', () => {
    const sut = options(['--pool', 'linux']);

    expect(sut.concurrency).toBe(1);
    expect(sut.brokers).toEqual(['127.0.0.1:9092']);
    expect(sut.workerId).toMatch(new RegExp(`-${process.pid}$`));
  });

  it.each([
    [[], {}, '--pool <name> is required: the pool whose tasks to run'],
    [['--pool', 'a b'], {}, '--pool "a b" is not a pool name: use letters, digits, "_" and "-"'],
    [['--pool', 'linux', '--concurrency', '0'], {}, '--concurrency must be a whole number from 1 to 64 (got "0")'],
    [['--pool', 'linux', '--concurrency', '2.5'], {}, '--concurrency must be a whole number from 1 to 64 (got "2.5")'],
    [['--pool', 'linux', '--id', 'my worker'], {}, '--id "my worker" is not a worker id'],
    [['--pool', 'linux'], { KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be host:port pairs separated by commas'],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => options(argv, env)).toThrow(UsageError);
    expect(() => options(argv, env)).toThrow(message);
  });

  it('publishes lines no longer than a LogLines message allows', () => {
    expect(MAX_LINE_LENGTH).toBeLessThanOrEqual(MAX_LOG_LINE_LENGTH);
  });
});
