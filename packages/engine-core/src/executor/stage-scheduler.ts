import type { RunContext } from './run-context';
import { skipStage } from './stage-outcome';
import { runStage } from './stage-runner';
import { StageSlots } from './stage-slots';

/**
 * Runs the graph's stages as a DAG: a stage starts once every stage it needs finished, if they all
 * succeeded (at most `concurrency` at a time); one whose need did not succeed, or that would start
 * after a cancel, is skipped (one resumed after a cancel runs on as cancelled: its `last` tasks run). Resolves when no stage can start any more and none runs.
 */
export async function runStages(run: RunContext, concurrency: number): Promise<void> {
  const slots = new StageSlots(concurrency);
  const active = new Map<string, Promise<void>>();
  for (;;) {
    if (run.fatal) break;
    let changed = false;
    for (const stage of run.graph.stages) {
      const state = run.stageState(stage.name);
      if (state.status === 'finished' || active.has(stage.name)) continue;
      const needs = stage.needs.map((need) => ({ need, state: run.state.stages[need] }));
      if (needs.some(({ state: s }) => s !== undefined && s.status !== 'finished')) continue;
      const unmet = needs.find(({ state: s }) => s?.outcome !== 'success');
      if (unmet !== undefined) {
        const outcome = unmet.state?.outcome ?? 'not run';
        await skipStage(run, stage, `it needs stage "${unmet.need}", which did not succeed (${outcome})`);
        changed = true;
      } else if (run.cancelled && state.startedAt === undefined) {
        // A stage that had started before (the run is resumed) is not starting: it goes on, as cancelled.
        await skipStage(run, stage, 'the run was cancelled before the stage started');
        changed = true;
      } else {
        active.set(
          stage.name,
          runStage(run, slots, stage).finally(() => active.delete(stage.name)),
        );
      }
      if (run.fatal) break;
    }
    if (active.size === 0 && !changed) break;
    if (!changed) await Promise.race(active.values());
  }
  await Promise.allSettled(active.values());
}
