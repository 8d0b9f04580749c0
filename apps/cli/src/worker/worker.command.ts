import { EventBus, HandBack, type BusLogger } from '@pipewright/event-bus';
import type { CliIo } from '../cli-io';
import { EXIT, type Command } from '../command';
import { clockTime } from '../output/format-duration';
import { TaskWorker, type WorkerLog } from './task-worker';
import { MAX_CONCURRENCY, workerOptions } from './worker-options';

export const workerCommand: Command = {
  spec: {
    name: 'worker',
    summary: 'Run the tasks of a worker pool (tasks with `pool: <name>`) for the platform, until stopped.',
    options: {
      pool: { type: 'string', valueName: 'name', description: 'The pool whose tasks to run (required).' },
      concurrency: {
        type: 'string',
        valueName: 'n',
        description: `Tasks run at the same time, 1 to ${MAX_CONCURRENCY} (default 1).`,
      },
      id: {
        type: 'string',
        valueName: 'worker-id',
        description: 'Name in run errors and logs (default <host>-<pid>).',
      },
    },
    positionals: [],
  },
  async run(args, io) {
    const options = workerOptions(args, io.env);
    const log = printer(io);
    const bus = new EventBus({
      brokers: options.brokers,
      service: `pipewright-worker-${options.pool}`,
      topicPrefix: options.topicPrefix,
      logger: busLogger(log),
    });
    const worker = new TaskWorker(options, bus, baseEnvironment(io.env), log);
    try {
      await worker.start();
    } catch (error) {
      io.stderr.write(
        `pipewright worker: cannot reach Kafka at ${options.brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      await bus.disconnect().catch(() => undefined);
      return EXIT.failed;
    }
    log.info(
      `worker ${options.workerId} runs tasks of pool "${options.pool}", ${options.concurrency} at a time; Ctrl-C or SIGTERM stops it`,
    );
    await new Promise<void>((resolve) => {
      if (io.signal === undefined) return;
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('stopping: taking no more tasks');
    await worker.stop();
    log.info('stopped');
    return EXIT.ok;
  },
};

/** The worker's environment minus its own configuration (Kafka), as the base of every task's. */
function baseEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !name.startsWith('KAFKA_') && name !== 'PIPEWRIGHT_TOKEN') base[name] = value;
  return base;
}

function printer(io: CliIo): WorkerLog {
  const line = (text: string) => `${clockTime(new Date())} ${text}\n`;
  return { info: (text) => io.stdout.write(line(text)), warn: (text) => io.stderr.write(line(`warning: ${text}`)) };
}

/** The bus's warnings and errors (retries, dead letters) for the person running the worker. */
function busLogger(log: WorkerLog): BusLogger {
  const warn = (context: object, message?: string) => {
    const { err, kafka } = context as { err?: unknown; kafka?: { error?: unknown } };
    // kafkajs reports an assignment handed back while stopping as a handler error; the worker said why already.
    if (kafka?.error instanceof HandBack) return;
    log.warn(`${message ?? 'kafka'}${err instanceof Error ? `: ${err.message}` : ''}`);
  };
  return { debug: () => undefined, info: () => undefined, warn, error: warn };
}
