import { runTaskProcess } from '../task-process/run-task-process';
import type { TaskExecution, TaskExecutionResult, TaskExecutor } from './executor.types';

/** Quotes a string as one `sh` word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `shell` task type: `with.run` with `sh -c` (or `with.shell`, e.g. `bash`), in its own process
 * group, through {@link runTaskProcess}.
 */
export const shellTaskExecutor: TaskExecutor = {
  async execute(execution: TaskExecution): Promise<TaskExecutionResult> {
    const { run, shell } = execution.inputs;
    if (typeof run !== 'string') {
      return {
        outcome: 'error',
        exitCode: null,
        timedOut: false,
        durationMs: 0,
        outputs: {},
        error: new Error('the shell task has no "run" command'),
      };
    }
    const command =
      typeof shell === 'string' && shell.trim() !== '' && shell !== 'sh' ? `exec ${shell} -c ${shellQuote(run)}` : run;
    const result = await runTaskProcess({
      command,
      cwd: execution.cwd,
      env: execution.env,
      timeoutMs: execution.timeoutMs,
      signal: execution.signal,
      secrets: execution.secrets,
      onLine: execution.onLine,
    });
    return {
      outcome: result.outcome,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      outputs: result.outputs,
      ...(result.error
        ? { error: result.error }
        : result.signal && !result.timedOut && result.outcome === 'failure'
          ? { error: new Error(`killed by ${result.signal}`) }
          : {}),
    };
  },
};
