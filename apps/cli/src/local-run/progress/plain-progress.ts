import type {
  ApprovalEvent,
  EnvironmentEvent,
  RunFinishedEvent,
  RunReporter,
  RunStartedEvent,
  StageFinishedEvent,
  StageStartedEvent,
  TaskFinishedEvent,
  TaskLineEvent,
  TaskStartedEvent,
  WarningEvent,
} from '@pipewright/engine-core';
import { graphTasks } from '@pipewright/pipeline-spec';
import type { OutputStream } from '../../cli-io';
import type { Style } from '../../output/ansi';
import { clockTime, formatElapsed } from '../../output/format-duration';
import { outcomeSymbol } from './progress-symbols';

export interface PlainProgressOptions {
  /** Print every output line of the tasks (prefixed with the task id). Default true. */
  taskLines?: boolean;
  /** Wall clock for the timestamps (real time even in mock mode). */
  now?: () => Date;
}

/** One timestamped line per event, for logs and CI: nothing is redrawn. */
export class PlainProgress implements RunReporter {
  private readonly now: () => Date;

  constructor(
    private readonly out: OutputStream,
    private readonly style: Style,
    private readonly options: PlainProgressOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  private line(mark: string, text: string): void {
    this.out.write(`${this.style.dim(clockTime(this.now()))} ${mark} ${text}\n`);
  }

  onRunStarted(event: RunStartedEvent): void {
    const tasks = graphTasks(event.graph).length;
    this.line(
      '▶',
      `run ${event.runId}: pipeline ${event.graph.name}, ${event.graph.stages.length} stages, ${tasks} tasks${event.resumed ? ' (continuing a previous run)' : ''}`,
    );
    for (const [name, stage] of Object.entries(event.state.stages))
      if (stage.reused)
        this.line(outcomeSymbol(stage.outcome, this.style), `stage ${name} ${stage.outcome ?? ''} (reused)`);
  }

  onStageStarted(event: StageStartedEvent): void {
    this.line('▶', `stage ${event.stage.name}`);
  }

  onStageFinished(event: StageFinishedEvent): void {
    const state = event.state.stages[event.stage.name];
    const took =
      state?.startedAt && state.finishedAt
        ? ` in ${formatElapsed(Date.parse(state.finishedAt) - Date.parse(state.startedAt))}`
        : '';
    this.line(
      outcomeSymbol(event.outcome, this.style),
      `stage ${event.stage.name} ${event.outcome}${took}${event.reason ? `: ${event.reason}` : ''}`,
    );
  }

  onApproval(event: ApprovalEvent): void {
    if (event.kind === 'requested') {
      this.line(
        this.style.yellow('⏸'),
        `stage ${event.stage.name} waits for approval by ${event.approval.approvers.join(', ')}`,
      );
      return;
    }
    const { decision } = event;
    this.line(
      decision.decision === 'approved' ? this.style.green('✓') : this.style.red('✗'),
      `stage ${event.stage.name} ${decision.decision} by ${decision.by}${decision.decision === 'rejected' && decision.reason ? `: ${decision.reason}` : ''}`,
    );
  }

  onEnvironment(event: EnvironmentEvent): void {
    const env = event.environment;
    switch (event.kind) {
      case 'provided':
        this.line(
          '●',
          `environment ${env.name} (${env.lifetime}) for stage ${event.stage.name}${env.url ? ` at ${env.url}` : ''}`,
        );
        return;
      case 'released':
        this.line('○', `environment ${env.name} released`);
        return;
      case 'release-failed':
        this.line(
          this.style.red('!'),
          `environment ${env.name} could not be released: ${env.releaseError ?? 'unknown error'}`,
        );
        return;
    }
  }

  onTaskStarted(event: TaskStartedEvent): void {
    this.line('▶', `task ${event.task.id}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
  }

  onTaskLine(event: TaskLineEvent): void {
    if (this.options.taskLines === false) return;
    this.out.write(
      `${this.style.dim(clockTime(this.now()))}   ${this.style.dim(`${event.task.id} │`)} ${event.line.text}\n`,
    );
  }

  onTaskFinished(event: TaskFinishedEvent): void {
    const { result } = event;
    const details = [
      result.outcome === 'skipped' ? undefined : `in ${formatElapsed(result.durationMs)}`,
      result.timedOut ? 'timed out' : undefined,
      result.outcome === 'failure' && result.exitCode !== null && !result.timedOut
        ? `exit code ${result.exitCode}`
        : undefined,
      result.error,
    ].filter((d): d is string => d !== undefined);
    const retry = result.willRetry
      ? `; retrying${result.retryInMs !== undefined ? ` in ${formatElapsed(result.retryInMs)}` : ''}`
      : '';
    this.line(
      result.willRetry ? this.style.yellow('↻') : outcomeSymbol(result.outcome, this.style),
      `task ${event.task.id} ${result.outcome}${details.length > 0 ? ` (${details.join(', ')})` : ''}${retry}`,
    );
  }

  onWarning(event: WarningEvent): void {
    this.line(this.style.yellow('!'), `${event.taskId ? `${event.taskId}: ` : ''}${event.message}`);
  }

  onRunFinished(event: RunFinishedEvent): void {
    this.line(outcomeSymbol(event.outcome, this.style), `run ${event.runId} ${event.outcome}`);
  }
}
