import type { RunState, StageOutcome } from '@pipewright/engine-core';
import type { PipelineGraph } from '@pipewright/pipeline-spec';

const VERBS: Record<Exclude<StageOutcome, 'success'>, string> = {
  failure: 'failed',
  error: 'errored',
  cancel: 'was cancelled',
  skipped: 'was skipped',
};

/**
 * Why a finished run did not succeed, for people: the first stage (in the graph's order) that failed,
 * errored or was cancelled, with its reason; a skipped stage only when nothing else went wrong.
 * Undefined when every stage succeeded.
 */
export function runErrors(graph: PipelineGraph, state: Readonly<RunState>): string | undefined {
  const unsuccessful = graph.stages
    .map((stage) => ({ name: stage.name, state: state.stages[stage.name] }))
    .filter(({ state: s }) => s?.status === 'finished' && s.outcome !== undefined && s.outcome !== 'success');
  const culprit = unsuccessful.find(({ state: s }) => s?.outcome !== 'skipped') ?? unsuccessful[0];
  if (culprit?.state?.outcome === undefined || culprit.state.outcome === 'success') return undefined;
  const reason = culprit.state.reason;
  return `stage "${culprit.name}" ${VERBS[culprit.state.outcome]}${reason ? `: ${reason}` : ''}`;
}
