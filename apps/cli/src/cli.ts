import { commandHelp, parseCommandArgs } from './args/command-args';
import { closest } from './args/suggest';
import { UsageError } from './args/usage-error';
import type { CliIo } from './cli-io';
import { EXIT, type Command } from './command';
import { runCommand } from './local-run/run.command';
import { graphCommand } from './pipeline/graph.command';
import { validateCommand } from './pipeline/validate.command';
import { testCommand } from './pipeline-tests/test.command';
import { approveCommand } from './platform/approve.command';
import { cancelCommand } from './platform/cancel.command';
import { rerunCommand } from './platform/rerun.command';
import { logsCommand } from './platform/logs.command';
import { PlatformError } from './platform/platform-client';
import { runsCommand } from './platform/runs.command';
import { statusCommand } from './platform/status.command';
import { tokenCommand } from './platform/token.command';
import { triggerCommand } from './platform/trigger.command';
import { workerCommand } from './worker/worker.command';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  graphCommand,
  runCommand,
  testCommand,
  triggerCommand,
  statusCommand,
  logsCommand,
  approveCommand,
  cancelCommand,
  rerunCommand,
  runsCommand,
  tokenCommand,
  workerCommand,
];

export const VERSION = '0.1.0';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    'pipewright: pipelines as code. Runs your pipewright.yml here with no servers, or on the platform.',
    '',
    'Usage: pipewright <command> [options]',
    '',
    'Here, no servers:',
    ...COMMANDS.slice(0, 4).map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    'On the platform ($PIPEWRIGHT_URL, $PIPEWRIGHT_TOKEN):',
    ...COMMANDS.slice(4)
      .filter((c) => c !== workerCommand)
      .map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    'Running tasks for the platform ($KAFKA_BROKERS):',
    `  ${workerCommand.spec.name.padEnd(width)}  ${workerCommand.spec.summary}`,
    '',
    'pipewright <command> --help shows its options. Exit codes: 0 ok, 1 failed, 2 wrong command line.',
    '',
  ].join('\n');
}

/** Runs one `pipewright` command line; returns the exit code. Never throws for expected failures. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.spec.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic.spec) : overview());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command === undefined) {
    const near = closest(
      name,
      COMMANDS.map((c) => c.spec.name),
    );
    io.stderr.write(
      `pipewright: unknown command "${name}"${near ? `; did you mean "${near}"?` : ''}\nRun pipewright --help for the commands.\n`,
    );
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command.spec));
    return EXIT.ok;
  }
  try {
    return await command.run(parseCommandArgs(command.spec, rest), io);
  } catch (error) {
    return reportError(error, command, io);
  }
}

function reportError(error: unknown, command: Command, io: CliIo): number {
  const prefix = `pipewright ${command.spec.name}`;
  if (error instanceof UsageError) {
    io.stderr.write(`${prefix}: ${error.message}\nRun pipewright ${command.spec.name} --help for its options.\n`);
    return EXIT.usage;
  }
  if (error instanceof PlatformError) {
    io.stderr.write(`${prefix}: ${error.message}\n`);
    if (Array.isArray(error.details))
      for (const issue of error.details as { path?: unknown; message?: unknown }[])
        if (typeof issue?.message === 'string')
          io.stderr.write(
            `  - ${typeof issue.path === 'string' && issue.path ? `${issue.path}: ` : ''}${issue.message}\n`,
          );
    return EXIT.failed;
  }
  io.stderr.write(
    `${prefix}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.failed;
}
