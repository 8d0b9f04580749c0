import type { RunState } from '@pipewright/engine-core';
import type { PipelineGraph } from '@pipewright/pipeline-spec';
import { runErrors } from './run-errors';

const graph = {
  stages: [{ name: 'build' }, { name: 'verify' }, { name: 'release' }],
} as unknown as PipelineGraph;

function stateWith(stages: RunState['stages']): RunState {
  return { schemaVersion: 1, runId: 'r', status: 'finished', startedAt: '2025-01-01T00:00:00Z', stages, tasks: {} };
}

describe(runErrors.name, () => {
  it('names the first stage that did not succeed, with its reason', () => {
    const sut = runErrors(
      graph,
      stateWith({
        build: { status: 'finished', outcome: 'success' },
        verify: { status: 'finished', outcome: 'failure', reason: 'task "boom" failed (exit code 3)' },
        release: { status: 'finished', outcome: 'skipped', reason: 'it needs stage "verify"' },
      }),
    );

    expect(sut).toBe('stage "verify" failed: task "boom" failed (exit code 3)');
  });

  it('prefers a stage that went wrong over one that was skipped before it', () => {
    const sut = runErrors(
      graph,
      stateWith({
        build: { status: 'finished', outcome: 'skipped', reason: 'the run was cancelled' },
        verify: { status: 'finished', outcome: 'error', reason: 'environment "test" could not be provided' },
      }),
    );

    expect(sut).toBe('stage "verify" errored: environment "test" could not be provided');
  });

  it('is undefined when every stage succeeded', () => {
    const ok = { status: 'finished', outcome: 'success' } as const;

    expect(runErrors(graph, stateWith({ build: ok, verify: ok, release: ok }))).toBeUndefined();
  });
});
