import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig, parseConfig } from './parse-config';
import { baseServiceEnv, envBoolean } from './service-env';

const schema = baseServiceEnv({ port: 3001 }).extend({
  API_TOKEN: z.string().min(32),
  DRY_RUN: envBoolean(false),
});

describe(parseConfig.name, () => {
  it('applies the defaults every service shares', () => {
    const sut = parseConfig(schema, { API_TOKEN: 'x'.repeat(32) });

    expect(sut).toEqual({
      PORT: 3001,
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/pipewright',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_TOPIC_PREFIX: '',
      LOG_LEVEL: 'info',
      PROCESSED_MESSAGES_RETENTION_DAYS: 7,
      API_TOKEN: 'x'.repeat(32),
      DRY_RUN: false,
    });
  });

  it('parses numbers, lists and booleans, and treats empty strings as unset', () => {
    const sut = parseConfig(schema, {
      PORT: '8080',
      KAFKA_BROKERS: 'a:9092, b:9093,',
      LOG_LEVEL: '',
      DRY_RUN: 'false',
      API_TOKEN: 'x'.repeat(32),
    });

    expect(sut.PORT).toBe(8080);
    expect(sut.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(sut.LOG_LEVEL).toBe('info');
    expect(sut.DRY_RUN).toBe(false);
  });

  it('returns a deep-frozen object', () => {
    const sut = parseConfig(schema, { API_TOKEN: 'x'.repeat(32) });

    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.KAFKA_BROKERS)).toBe(true);
    expect(() => sut.KAFKA_BROKERS.push('c:1')).toThrow(TypeError);
  });

  it('names every bad variable and what is wrong with it', () => {
    const env = {
      PORT: 'abc',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      KAFKA_BROKERS: 'no-port',
      LOG_LEVEL: 'verbose',
      API_TOKEN: 'short-secret',
    };

    let error: unknown;
    try {
      parseConfig(schema, env);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.variable).sort()).toEqual(
      ['API_TOKEN', 'DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT'].sort(),
    );
    expect(issues).toContainEqual({ variable: 'PORT', problem: 'expected a number, got "abc"' });
    const byName = (name: string) => issues.find((issue) => issue.variable === name)!.problem;
    expect(byName('LOG_LEVEL')).toMatch(/expected one of.*, got "verbose"/);
    expect(byName('KAFKA_BROKERS')).toBe('item 0: expected host:port, comma-separated, got "no-port"');
    // Secrets stay out of the output: the token by its name, the password inside the URL.
    expect(byName('API_TOKEN')).toContain('(value hidden)');
    expect(byName('DATABASE_URL')).toContain('mysql://root:***@db/x');
    expect(JSON.stringify(issues)).not.toMatch(/hunter2|short-secret/);
  });

  it('reports a missing required variable as not set', () => {
    expect(() => parseConfig(schema, {})).toThrow(/API_TOKEN: required, but not set/);
  });
});

describe(loadConfig.name, () => {
  it('prints one line per bad variable to stderr and exits with status 1', () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    try {
      expect(() => loadConfig(schema, { PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow('exit 1');

      const lines = stderr.mock.calls.map(([chunk]) => String(chunk));
      expect(lines).toContain('config: PORT: expected a number, got "abc"\n');
      expect(lines).toContain('config: API_TOKEN: required, but not set\n');
      expect(lines.some((line) => line.startsWith('config: LOG_LEVEL: '))).toBe(true);
      expect(lines).toHaveLength(3);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      stderr.mockRestore();
      exit.mockRestore();
    }
  });

  it('returns the parsed config when everything is valid', () => {
    const sut = loadConfig(schema, { API_TOKEN: 'x'.repeat(32), PORT: '0' });

    expect(sut.PORT).toBe(0);
  });
});
