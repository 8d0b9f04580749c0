import type { TaskExecution, TaskExecutionResult } from '../executor/executor.types';
import type { MockBehaviour, MockOutcome, MockRecord, MockTaskExecutor } from './mock.types';
import { VirtualClock } from './virtual-clock';

export const DEFAULT_MOCK_DURATION_MS = 1000;

/**
 * Mock mode: a task executor that starts no process. Every attempt is recorded (start and end on the
 * run's clock) and behaves as `behaviour` says for its task id: outcome (per attempt), outputs,
 * duration, printed lines. Use its `clock` as the run's clock to run in virtual time.
 */
export function mockTaskExecutor(behaviour: MockBehaviour = {}): MockTaskExecutor {
  const records: MockRecord[] = [];
  const clock = new VirtualClock();
  const defaultDuration = behaviour.defaultDurationMs ?? DEFAULT_MOCK_DURATION_MS;
  return {
    records,
    clock,
    async execute(execution: TaskExecution): Promise<TaskExecutionResult> {
      const { task, attempt, clock: runClock, signal } = execution;
      const tell = behaviour.tasks?.[task.id] ?? {};
      const outcomes = tell.outcome === undefined ? ['success' as const] : [tell.outcome].flat();
      const planned: MockOutcome = outcomes[Math.min(attempt, outcomes.length) - 1] ?? 'success';
      const duration = tell.durationMs ?? defaultDuration;
      const timedOut = duration > execution.timeoutMs;
      const env: Record<string, string> = {};
      for (const key of Object.keys(task.env)) env[key] = execution.env[key] ?? '';
      const record: MockRecord = {
        taskId: task.id,
        attempt,
        start: runClock.now(),
        end: runClock.now(),
        outcome: planned,
        timedOut,
        inputs: execution.inputs,
        env,
      };
      records.push(record);
      for (const text of tell.lines ?? [])
        await execution.onLine({ stream: 'stdout', text, time: new Date(runClock.now()).toISOString() });
      await runClock.sleep(timedOut ? execution.timeoutMs : duration, signal);
      record.end = runClock.now();
      const durationMs = record.end - record.start;
      if (signal.aborted) {
        record.outcome = 'cancel';
        return { outcome: 'cancel', exitCode: null, timedOut: false, durationMs, outputs: {} };
      }
      const outputs: Record<string, string> = {};
      for (const key of task.outputs) outputs[key] = '';
      Object.assign(outputs, tell.outputs);
      if (timedOut) {
        record.outcome = 'failure';
        return { outcome: 'failure', exitCode: null, timedOut: true, durationMs, outputs };
      }
      if (planned === 'error')
        return { outcome: 'error', exitCode: null, timedOut, durationMs, outputs, error: new Error('mock error') };
      return {
        outcome: planned,
        exitCode: planned === 'success' ? 0 : (tell.exitCode ?? 1),
        timedOut,
        durationMs,
        outputs,
      };
    },
  };
}
