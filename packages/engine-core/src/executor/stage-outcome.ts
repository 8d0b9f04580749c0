import { type StageNode, stageTasks } from '@pipewright/pipeline-spec';
import type { StageOutcome } from './executor.types';
import type { RunContext } from './run-context';

/** Finishes a stage that does not run at all (a need failed, the run was cancelled): its tasks are skipped. */
export async function skipStage(run: RunContext, stage: StageNode, reason: string): Promise<void> {
  const state = run.stageState(stage.name);
  state.status = 'finished';
  state.outcome = 'skipped';
  state.reason = reason;
  state.finishedAt = run.iso();
  const context = run.stageContext(stage.name);
  context.outcome = 'skipped';
  for (const task of stageTasks(stage)) {
    const taskState = run.taskState(task);
    if (taskState.status === 'finished') continue;
    taskState.status = 'finished';
    taskState.outcome = 'skipped';
    taskState.reason = `its stage was skipped: ${reason}`;
    context.tasks[task.name] = { outcome: 'skipped', outputs: {} };
  }
  await run.report('onStageFinished', (base) => ({ ...base, stage, outcome: 'skipped', reason }));
}

export async function finishStage(
  run: RunContext,
  stage: StageNode,
  outcome: StageOutcome,
  reason?: string,
): Promise<void> {
  const state = run.stageState(stage.name);
  state.status = 'finished';
  state.outcome = outcome;
  if (reason !== undefined) state.reason = run.masker.mask(reason);
  else delete state.reason;
  state.finishedAt = run.iso();
  run.stageContext(stage.name).outcome = outcome;
  // Tasks that never got their turn (the stage stopped early) are skipped.
  for (const task of stageTasks(stage)) {
    const taskState = run.taskState(task);
    if (taskState.status !== 'pending') continue;
    taskState.status = 'finished';
    taskState.outcome = 'skipped';
    taskState.reason = `the stage did not run its tasks: ${state.reason ?? outcome}`;
  }
  await run.report('onStageFinished', (base) => ({
    ...base,
    stage,
    outcome,
    ...(state.reason !== undefined ? { reason: state.reason } : {}),
  }));
}
