import type { EnvironmentContext, EnvironmentProvider, ProvidedEnvironment } from '@pipewright/engine-core';
import type { StageEnvironment as StageEnvironmentDefinition, StageNode } from '@pipewright/pipeline-spec';
import type { Run } from '../runs/run.entity';
import type { EnvironmentService } from './environment.service';
import type { LongLivedEnvironmentService } from './long-lived-environment.service';

/** Reason given to the provisioner for every environment the engine releases. */
export const RELEASE_REASON = 'run finished';

/**
 * engine-core's EnvironmentProvider for one run. An ephemeral environment goes through the provisioner's
 * command flow: `provide` sends the provision command (or finds the one sent before a restart) and waits
 * for `environment.created` or `environment.failed`; `release` sends the destroy command. Both are
 * committed before they return, so the run's rows say what was asked even if the engine dies right after.
 * A long-lived one is only looked up, and never destroyed by a run: it outlives them all.
 */
export class StageEnvironmentProvider implements EnvironmentProvider {
  constructor(
    private readonly environments: EnvironmentService,
    private readonly longLivedEnvironments: LongLivedEnvironmentService,
    private readonly run: Pick<Run, 'id' | 'component' | 'team' | 'solution' | 'workspace'>,
    /** Stage name -> stage row id. */
    private readonly stageRunIds: ReadonlyMap<string, string>,
    private readonly timeoutMs: number,
  ) {}

  async provide(
    stage: StageNode,
    environment: StageEnvironmentDefinition,
    context: EnvironmentContext,
  ): Promise<ProvidedEnvironment> {
    if (environment.lifetime === 'long-lived') return this.longLivedEnvironments.lookUp(environment.name);
    const stageRunId = this.stageRunIds.get(stage.name);
    if (stageRunId === undefined) throw new Error(`stage "${stage.name}" has no row in this run`);
    const requested = await this.environments.requestFor(this.run, stageRunId, environment);
    // Counted from the request, so a restart does not give the provisioner a fresh allowance.
    const deadline = requested.requestedAt.getTime() + this.timeoutMs;
    const settled = await this.environments.waitUntilSettled(requested.id, deadline, context.signal);
    switch (settled.status) {
      case 'ready':
        return { url: settled.environment.url ?? '', details: { environmentId: requested.id } };
      case 'failed':
        throw new Error(settled.reason);
      case 'timeout':
        throw new Error(`it was not ready within ${Math.round(this.timeoutMs / 1000)} s`);
      case 'cancelled':
        throw new Error('the run was cancelled');
    }
  }

  async release(
    _stage: StageNode,
    environment: StageEnvironmentDefinition,
    provided: ProvidedEnvironment,
  ): Promise<void> {
    // The provisioner's to update or delete, never a run's.
    if (environment.lifetime === 'long-lived') return;
    const id = provided.details?.environmentId;
    if (id === undefined) throw new Error('the environment has no environmentId to release it by');
    await this.environments.requestDestroy(id, RELEASE_REASON);
  }
}
