import * as fs from 'node:fs';
import type {
  RunEventBase,
  RunReporter,
  TaskFinishedEvent,
  TaskLineEvent,
  TaskStartedEvent,
} from '@pipewright/engine-core';
import type { RunDirectory } from './run-store';

/** Lines of a failed task shown after the summary. */
export const TAIL_LINES = 20;

export interface TaskTail {
  attempt: number;
  lines: string[];
  logFile: string;
}

/**
 * Keeps a run's directory current: `state.json` after every event, one log file per task attempt,
 * and the last {@link TAIL_LINES} lines of each task's latest attempt in memory for the summary.
 */
export class RunFilesReporter implements RunReporter {
  private readonly logs = new Map<string, fs.WriteStream>();
  private readonly tails = new Map<string, TaskTail>();

  constructor(private readonly run: RunDirectory) {}

  tail(taskId: string): TaskTail | undefined {
    return this.tails.get(taskId);
  }

  onRunStarted(event: RunEventBase): void {
    this.save(event);
  }
  onStageStarted(event: RunEventBase): void {
    this.save(event);
  }
  onStageFinished(event: RunEventBase): void {
    this.save(event);
  }
  onApproval(event: RunEventBase): void {
    this.save(event);
  }
  onEnvironment(event: RunEventBase): void {
    this.save(event);
  }
  onWarning(event: RunEventBase): void {
    this.save(event);
  }

  onTaskStarted(event: TaskStartedEvent): void {
    const key = streamKey(event.task.id, event.attempt);
    const logFile = this.run.logFile(event.task.id, event.attempt);
    this.logs.set(key, fs.createWriteStream(logFile, { flags: 'a' }));
    this.tails.set(event.task.id, { attempt: event.attempt, lines: [], logFile });
    this.save(event);
  }

  async onTaskLine(event: TaskLineEvent): Promise<void> {
    const tail = this.tails.get(event.task.id);
    if (tail?.attempt === event.attempt) {
      tail.lines.push(event.line.text);
      if (tail.lines.length > TAIL_LINES) tail.lines.shift();
    }
    const log = this.logs.get(streamKey(event.task.id, event.attempt));
    if (log !== undefined && !log.write(`${event.line.text}\n`))
      await new Promise<void>((resolve) => log.once('drain', resolve));
  }

  async onTaskFinished(event: TaskFinishedEvent): Promise<void> {
    const key = streamKey(event.task.id, event.result.attempt);
    const log = this.logs.get(key);
    this.logs.delete(key);
    if (log !== undefined)
      await new Promise<void>((resolve, reject) =>
        log.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    this.save(event);
  }

  async onRunFinished(event: RunEventBase): Promise<void> {
    await this.closeLogs();
    this.save(event);
  }

  /** Closes log files left open (a run that stopped without finishing its tasks). */
  async closeLogs(): Promise<void> {
    const open = [...this.logs.values()];
    this.logs.clear();
    await Promise.all(open.map((log) => new Promise<void>((resolve) => log.end(() => resolve()))));
  }

  private save(event: RunEventBase): void {
    this.run.writeState(event.state);
  }
}

function streamKey(taskId: string, attempt: number): string {
  return `${taskId}#${attempt}`;
}

/** Calls each reporter in turn for every event (a failure in one stops the run, as the executor documents). */
export function composeReporters(...reporters: RunReporter[]): RunReporter {
  const all = <K extends keyof RunReporter>(method: K) =>
    (async (event: never) => {
      for (const reporter of reporters) {
        const handler: ((event: never) => void | Promise<void>) | undefined = reporter[method];
        if (handler !== undefined) await handler.call(reporter, event);
      }
    }) as NonNullable<RunReporter[K]>;
  return {
    onRunStarted: all('onRunStarted'),
    onStageStarted: all('onStageStarted'),
    onStageFinished: all('onStageFinished'),
    onApproval: all('onApproval'),
    onEnvironment: all('onEnvironment'),
    onTaskStarted: all('onTaskStarted'),
    onTaskLine: all('onTaskLine'),
    onTaskFinished: all('onTaskFinished'),
    onWarning: all('onWarning'),
    onRunFinished: all('onRunFinished'),
  };
}
