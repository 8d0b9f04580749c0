import {
  type EnvironmentProvider,
  ExecutorError,
  executePipeline,
  mockTaskExecutor,
  type MockTaskExecutor,
  type RunReporter,
  type RunOutcome,
  type RunResult,
  type RunState,
  stateForRerunFromFailed,
} from '@pipewright/engine-core';
import { formatErrors, type PipelineGraph, PipelineGraphError, selectOnly, selectTo } from '@pipewright/pipeline-spec';
import { flagOption, listOption, parseInputs, type ParsedArgs, stringOption } from '../args/command-args';
import { UsageError } from '../args/usage-error';
import type { CliIo } from '../cli-io';
import { EXIT, type Command } from '../command';
import { colourEnabled, createStyle } from '../output/ansi';
import { pipelineFileOptions } from '../pipeline/pipeline-options';
import { isInputError, loadFromLocation, locatePipeline } from '../pipeline/repository-pipeline';
import { gitRevision } from './git-revision';
import { LocalEnvironmentProvider } from './local-environments';
import { MockEnvironmentProvider } from './mock-environments';
import { LiveProgress } from './progress/live-progress';
import { PlainProgress } from './progress/plain-progress';
import { composeReporters, RunFilesReporter } from './run-files.reporter';
import { newRunId, RunStore } from './run-store';
import { formatRunSummary } from './run-summary';
import { TerminalApprovalGate } from './terminal-approval-gate';

/** Exit code of a run cancelled with Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const runCommand: Command = {
  spec: {
    name: 'run',
    summary:
      'Run the pipeline here, with no servers: tasks as local processes, ephemeral environments started on this machine.',
    options: {
      ...pipelineFileOptions,
      to: { type: 'string', valueName: 'stage|task', description: 'Run up to this stage or task (and what it needs).' },
      only: {
        type: 'string',
        valueName: 'task',
        description: 'Run this one task (stage.task, or a task name only one stage has).',
      },
      'from-failed': {
        type: 'boolean',
        description:
          'Continue the latest run: stages that succeeded are reused with their outputs, the rest runs again.',
      },
      mock: {
        type: 'boolean',
        description: 'Replace every task by a recorder that succeeds (virtual time, nothing runs).',
      },
      input: { type: 'string', multiple: true, valueName: 'key=value', description: 'Set a pipeline input.' },
      secret: {
        type: 'string',
        multiple: true,
        valueName: 'NAME',
        description: 'Pass environment variable NAME to tasks as a secret (masked in every line).',
      },
      approve: {
        type: 'string',
        multiple: true,
        valueName: 'stage',
        description: 'Approve this stage in advance (otherwise you are asked on the terminal).',
      },
      concurrency: { type: 'string', valueName: 'n', description: 'Stages running at the same time (default 4).' },
    },
    positionals: [],
  },
  run: runPipeline,
};

interface RunRequest {
  to?: string;
  only?: string;
  fromFailed: boolean;
  mock: boolean;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  approve: Set<string>;
  concurrency?: number;
}

function readRequest(args: ParsedArgs, io: CliIo): RunRequest {
  const to = stringOption(args, 'to');
  const only = stringOption(args, 'only');
  if (to !== undefined && only !== undefined) throw new UsageError('--to and --only cannot be used together', 'run');
  const secrets: Record<string, string> = {};
  for (const name of listOption(args, 'secret')) {
    if (!SECRET_NAME.test(name))
      throw new UsageError(`--secret takes the name of an environment variable (got "${name}")`, 'run');
    const value = io.env[name];
    if (value === undefined)
      throw new UsageError(`--secret ${name}: the environment variable ${name} is not set`, 'run');
    secrets[name] = value;
  }
  const concurrencyText = stringOption(args, 'concurrency');
  const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UsageError(`--concurrency must be a whole number of at least 1 (got "${concurrencyText}")`, 'run');
  return {
    ...(to !== undefined ? { to } : {}),
    ...(only !== undefined ? { only } : {}),
    fromFailed: flagOption(args, 'from-failed'),
    mock: flagOption(args, 'mock'),
    inputs: parseInputs(listOption(args, 'input')),
    secrets,
    approve: new Set(listOption(args, 'approve')),
    ...(concurrency !== undefined ? { concurrency } : {}),
  };
}

/** Checks `--to`, `--only` and `--approve` against the pipeline before anything runs. */
function checkTargets(graph: PipelineGraph, request: RunRequest): void {
  try {
    if (request.to !== undefined) selectTo(graph, request.to);
    if (request.only !== undefined) selectOnly(graph, request.only);
  } catch (error) {
    if (error instanceof PipelineGraphError)
      throw new UsageError(`${request.to !== undefined ? '--to' : '--only'}: ${error.message}`, 'run');
    throw error;
  }
  for (const name of request.approve) {
    const stage = graph.stages.find((s) => s.name === name);
    if (stage === undefined)
      throw new UsageError(
        `--approve: no stage "${name}"; stages are: ${graph.stages.map((s) => s.name).join(', ')}`,
        'run',
      );
    if (stage.approval === undefined) {
      const gated = graph.stages.filter((s) => s.approval).map((s) => s.name);
      throw new UsageError(
        `--approve: stage "${name}" needs no approval${gated.length > 0 ? `; stages with one: ${gated.join(', ')}` : ''}`,
        'run',
      );
    }
  }
}

async function runPipeline(args: ParsedArgs, io: CliIo): Promise<number> {
  const request = readRequest(args, io);
  const location = locatePipeline(io, { file: stringOption(args, 'file'), flavours: listOption(args, 'flavours') });
  const loaded = loadFromLocation(location, request.inputs);
  if (!loaded.ok) {
    io.stderr.write(formatErrors(loaded.errors) + '\n');
    return loaded.errors.every(isInputError) ? EXIT.usage : EXIT.failed;
  }
  const { graph } = loaded;
  checkTargets(graph, request);

  const store = new RunStore(location.repositoryDir);
  let previous: { runId: string; state: RunState } | undefined;
  if (request.only !== undefined && !request.fromFailed) {
    // One task alone: the results of the latest run feed its expressions (outputs of earlier stages).
    const latest = store.latest();
    if (latest !== undefined) previous = { runId: latest.runId, state: latest.readState() };
  }
  if (request.fromFailed) {
    const latest = store.latest();
    if (latest === undefined)
      throw new UsageError(`--from-failed: there is no earlier run in ${store.root} to continue`, 'run');
    const state = stateForRerunFromFailed(latest.readState(), graph);
    if (graph.stages.every((stage) => state.stages[stage.name]?.outcome === 'success')) {
      io.stdout.write(`Every stage succeeded in the latest run ${latest.runId}; there is nothing to re-run.\n`);
      return EXIT.ok;
    }
    previous = { runId: latest.runId, state };
  }

  const runId = newRunId();
  const run = store.create(runId);
  run.writeMeta({
    runId,
    file: location.file,
    startedAt: new Date().toISOString(),
    mock: request.mock,
    ...(request.to !== undefined ? { to: request.to } : {}),
    ...(request.only !== undefined ? { only: request.only } : {}),
    ...(previous ? { previousRun: previous.runId } : {}),
    inputs: request.inputs,
  });
  run.writeGraph(graph);

  const style = createStyle(colourEnabled(io.stdout.isTTY, io.env));
  const mock: MockTaskExecutor | undefined = request.mock ? mockTaskExecutor() : undefined;
  const files = new RunFilesReporter(run);
  const live =
    io.stdout.isTTY === true ? new LiveProgress(io.stdout, style, mock ? () => mock.clock.now() : Date.now) : undefined;
  const progress: RunReporter = live ?? new PlainProgress(io.stdout, style);
  // `latest` moves to this run once it has a state, so --from-failed finds it even if this process dies.
  const latestMarker: RunReporter = { onRunStarted: () => (request.mock ? undefined : store.markLatest(run)) };
  const environments: EnvironmentProvider & { stopAll?: () => Promise<void> } = mock
    ? new MockEnvironmentProvider()
    : new LocalEnvironmentProvider({ workspace: location.repositoryDir, env: io.env, logDir: run.environmentsDir });
  const approvals = new TerminalApprovalGate({
    preApproved: request.approve,
    input: io.stdin,
    output: io.stdout,
    onPrompt: (prompting) => live?.setPaused(prompting),
  });
  const revision = gitRevision(location.repositoryDir);

  let result: RunResult;
  try {
    result = await executePipeline(graph, {
      run: { id: runId, ...(revision ? { revision } : {}) },
      workspace: location.repositoryDir,
      env: io.env,
      secrets: request.secrets,
      reporter: composeReporters(files, latestMarker, progress),
      approvals,
      environments,
      ...(mock ? { taskExecutor: mock, clock: mock.clock } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(previous ? { previous: previous.state } : {}),
      ...(request.to !== undefined ? { to: request.to } : {}),
      ...(request.only !== undefined ? { only: request.only } : {}),
      ...(request.concurrency !== undefined ? { stageConcurrency: request.concurrency } : {}),
    });
  } catch (error) {
    live?.stop();
    await files.closeLogs();
    if (error instanceof ExecutorError) {
      io.stderr.write(`pipewright run: ${error.message}${causeText(error)}\n`);
      return error.code === 'invalid-target' || error.code === 'invalid-options' ? EXIT.usage : EXIT.failed;
    }
    throw error;
  } finally {
    approvals.close();
    await environments.stopAll?.();
  }
  live?.stop();
  io.stdout.write(
    formatRunSummary(result, { style, runDir: run.dir, cwd: io.cwd, tail: (id) => files.tail(id), mock: request.mock }),
  );
  return exitCodeOf(result.outcome);
}

function exitCodeOf(outcome: RunOutcome): number {
  switch (outcome) {
    case 'success':
      return EXIT.ok;
    case 'failure':
      return EXIT.failed;
    case 'cancel':
      return EXIT_CANCELLED;
  }
}

function causeText(error: Error): string {
  return error.cause instanceof Error ? `: ${error.cause.message}` : '';
}
