import type { EnvironmentProvider, ProvidedEnvironment } from '@pipewright/engine-core';
import type { StageEnvironment, StageNode } from '@pipewright/pipeline-spec';

/** Mock mode starts nothing: every environment gets a placeholder address. */
export class MockEnvironmentProvider implements EnvironmentProvider {
  async provide(_stage: StageNode, environment: StageEnvironment): Promise<ProvidedEnvironment> {
    return { url: `http://${environment.name}.mock.invalid`, details: { mock: 'true' } };
  }

  async release(): Promise<void> {}
}
