import type { StageNode } from '@pipewright/pipeline-spec';
import { errorMessage } from './executor.errors';
import type { EnvironmentContext, StageEnvironmentState } from './executor.types';
import type { RunContext } from './run-context';
import { finishStage } from './stage-outcome';

function environmentContext(run: RunContext, signal: AbortSignal): EnvironmentContext {
  return {
    runId: run.state.runId,
    component: run.graph.component,
    team: run.graph.team,
    solution: run.graph.solution,
    signal,
  };
}

/**
 * The environment's variables for the stage's tasks (an environment already in the state is reused),
 * or undefined when the stage was finished because it could not get one.
 */
export async function provideEnvironment(
  run: RunContext,
  stage: StageNode,
): Promise<Record<string, string> | undefined> {
  const spec = stage.environment;
  if (spec === undefined) return {};
  const state = run.stageState(stage.name);
  let environment = state.environment;
  if (environment === undefined || environment.releasedAt !== undefined) {
    const provider = run.options.environments;
    if (provider === undefined) {
      await finishStage(
        run,
        stage,
        'error',
        `the stage needs environment "${spec.name}", but this run has no environment provider`,
      );
      return undefined;
    }
    try {
      const provided = await provider.provide(stage, spec, environmentContext(run, run.cancelSignal()));
      const created: StageEnvironmentState = {
        name: spec.name,
        lifetime: spec.lifetime,
        url: provided.url,
        ...(provided.details !== undefined ? { details: provided.details } : {}),
        providedAt: run.iso(),
      };
      environment = state.environment = created;
      await run.report('onEnvironment', (base) => ({ ...base, kind: 'provided', stage, environment: created }));
    } catch (error) {
      if (run.cancelled)
        await finishStage(run, stage, 'cancel', 'the run was cancelled while the environment was provided');
      else
        await finishStage(
          run,
          stage,
          'error',
          `environment "${spec.name}" could not be provided: ${errorMessage(error)}`,
        );
      return undefined;
    }
    if (run.cancelled) {
      await finishStage(run, stage, 'cancel', 'the run was cancelled while the environment was provided');
      return undefined;
    }
  }
  return { PIPEWRIGHT_ENV_URL: environment.url, PIPEWRIGHT_ENV_NAME: environment.name };
}

/** Releases every environment of the run that is not released yet, whatever happened. */
export async function releaseEnvironments(run: RunContext): Promise<void> {
  const provider = run.options.environments;
  if (provider === undefined) return;
  for (const [name, state] of Object.entries(run.state.stages)) {
    const environment = state.environment;
    if (environment === undefined || environment.releasedAt !== undefined) continue;
    const stage = run.fullGraph.stages.find((s) => s.name === name);
    if (stage?.environment === undefined) continue;
    try {
      await provider.release(
        stage,
        stage.environment,
        { url: environment.url, ...(environment.details !== undefined ? { details: environment.details } : {}) },
        environmentContext(run, run.stop.signal),
      );
      environment.releasedAt = run.iso();
      delete environment.releaseError;
      await run.report('onEnvironment', (base) => ({ ...base, kind: 'released', stage, environment }));
    } catch (error) {
      environment.releaseError = errorMessage(error);
      await run.report('onEnvironment', (base) => ({ ...base, kind: 'release-failed', stage, environment }));
      await run.warn(
        `environment "${environment.name}" of stage "${name}" could not be released: ${environment.releaseError}`,
      );
    }
    if (run.fatal) return;
  }
}
