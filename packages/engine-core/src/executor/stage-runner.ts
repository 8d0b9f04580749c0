import { SECTION_NAMES, type StageNode } from '@pipewright/pipeline-spec';
import { errorMessage } from './executor.errors';
import type { StageOutcome } from './executor.types';
import type { RunContext, Scope, StageEnv } from './run-context';
import { approveStage } from './stage-approval';
import { provideEnvironment } from './stage-environment';
import { finishStage, skipStage } from './stage-outcome';
import type { StageSlots } from './stage-slots';
import { runTask } from './task-runner';

/**
 * Runs one stage whose needs succeeded: its approval first (not holding a slot while a person decides),
 * then, in one of the run's stage slots, its environment and its `first`/`main`/`last` sections.
 */
export async function runStage(run: RunContext, slots: StageSlots, stage: StageNode): Promise<void> {
  try {
    if (stage.approval !== undefined) {
      const decision = await approveStage(run, stage);
      if (run.fatal) return;
      if (decision.kind === 'cancelled')
        return await finishStage(run, stage, 'cancel', 'the run was cancelled while waiting for approval');
      if (decision.kind === 'error') return await finishStage(run, stage, 'error', decision.reason);
      if (decision.decision.decision === 'rejected') {
        const { by, reason } = decision.decision;
        return await finishStage(run, stage, 'failure', `rejected by ${by}${reason ? `: ${reason}` : ''}`);
      }
    }
    await slots.acquire();
    try {
      if (run.fatal) return;
      if (run.cancelled && run.stageState(stage.name).startedAt === undefined)
        return await skipStage(run, stage, 'the run was cancelled before the stage started');
      await runStageBody(run, stage);
    } finally {
      slots.release();
    }
  } catch (error) {
    // A bug of ours, not of the pipeline: the stage errors, the run goes on and says why.
    if (!run.fatal) await finishStage(run, stage, 'error', `internal error: ${errorMessage(error)}`);
  }
}

async function runStageBody(run: RunContext, stage: StageNode): Promise<void> {
  const state = run.stageState(stage.name);
  state.status = 'running';
  state.startedAt ??= run.iso();
  await run.report('onStageStarted', (base) => ({ ...base, stage }));
  if (run.fatal) return;
  const environmentVariables = await provideEnvironment(run, stage);
  if (run.fatal) return;
  if (environmentVariables === undefined) return; // the stage was finished with the reason
  const stageEnv: StageEnv = {
    variables: environmentVariables,
    base: { ...run.baseEnv, ...run.runEnv, ...environmentVariables },
  };
  const scope: Scope = { failed: false, cancelled: false };
  for (const section of SECTION_NAMES) {
    for (const step of stage.sections[section]) {
      if (run.fatal) return;
      if (step.kind === 'task') {
        await runTask(run, stage, step.task, section, scope, stageEnv);
        continue;
      }
      // Each lane goes on from the stage's status before the step and its own results; the stage sees all of them after.
      const lanes = await Promise.all(
        step.lanes.map(async (lane) => {
          const laneScope: Scope = { ...scope };
          for (const task of lane) {
            if (run.fatal) break;
            await runTask(run, stage, task, section, laneScope, stageEnv);
          }
          return laneScope;
        }),
      );
      for (const lane of lanes) {
        if (lane.failed && !scope.failed) {
          scope.failed = true;
          scope.reason ??= lane.reason;
        }
        scope.cancelled ||= lane.cancelled;
      }
    }
  }
  if (run.fatal) return;
  const outcome: StageOutcome = scope.cancelled ? 'cancel' : scope.failed ? 'failure' : 'success';
  await finishStage(run, stage, outcome, scope.cancelled ? 'the run was cancelled' : scope.reason);
}
