import { graphTasks } from '@pipewright/pipeline-spec';
import { graphOf } from '../../test/graphs';
import type { TaskExecutionResult } from './executor.types';
import { resultError } from './task-attempt';

describe(resultError.name, () => {
  const [task] = graphTasks(
    graphOf(`
  stages:
    - name: build
      tasks: [{ name: render, run: make, timeout: 2s }]
`),
  );
  const timedOut: TaskExecutionResult = {
    outcome: 'failure',
    exitCode: null,
    timedOut: true,
    durationMs: 2000,
    outputs: {},
  };

  it('says how long a task that timed out was given', () => {
    expect(resultError(timedOut, task!)).toBe('timed out after 2s');
  });

  it("keeps the executor's reason for a timeout", () => {
    const result = { ...timedOut, error: new Error('no worker of pool "gpu" accepted the task') };
    expect(resultError(result, task!)).toBe('timed out after 2s: no worker of pool "gpu" accepted the task');
  });
});
