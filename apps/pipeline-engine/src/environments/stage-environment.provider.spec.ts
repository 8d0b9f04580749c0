import type { EnvironmentContext } from '@pipewright/engine-core';
import type { StageEnvironment, StageNode } from '@pipewright/pipeline-spec';
import type { EnvironmentService } from './environment.service';
import type { LongLivedEnvironmentService } from './long-lived-environment.service';
import { StageEnvironmentProvider } from './stage-environment.provider';

const stage = { name: 'deploy' } as StageNode;
const qa: StageEnvironment = { lifetime: 'long-lived', name: 'qa' };
const context: EnvironmentContext = {
  runId: 'run-1',
  component: 'shop',
  team: 'team-a',
  solution: 'web',
  signal: new AbortController().signal,
};

describe(StageEnvironmentProvider.name, () => {
  let destroyRequests: string[];
  let sut: StageEnvironmentProvider;

  beforeEach(() => {
    destroyRequests = [];
    // Only what a long-lived environment may touch: anything else (a provision request) throws.
    const environments = {
      requestDestroy: async (id: string) => void destroyRequests.push(id),
    } as unknown as EnvironmentService;
    const longLived = {
      lookUp: async (name: string) => ({
        url: `http://${name}.test`,
        details: { environmentId: `${name}-1`, lifetime: 'long-lived' },
      }),
    } as unknown as LongLivedEnvironmentService;
    const run = { id: 'run-1', component: 'shop', team: 'team-a', solution: 'web', workspace: '/ws' };
    sut = new StageEnvironmentProvider(environments, longLived, run, new Map([['deploy', 'stage-run-1']]), 60_000);
  });

  it('looks a long-lived environment up instead of asking the provisioner for one', async () => {
    await expect(sut.provide(stage, qa, context)).resolves.toEqual({
      url: 'http://qa.test',
      details: { environmentId: 'qa-1', lifetime: 'long-lived' },
    });
  });

  it('never asks to destroy a long-lived environment when the run releases it, only ephemeral ones', async () => {
    const provided = { url: 'http://qa.test', details: { environmentId: 'qa-1', lifetime: 'long-lived' } };
    await sut.release(stage, qa, provided);
    expect(destroyRequests).toEqual([]);

    const ephemeral: StageEnvironment = {
      lifetime: 'ephemeral',
      name: 'test',
      size: 'small',
      spec: { driver: 'local-process', command: 'node server.js', healthPath: '/', readyTimeoutSeconds: 60, env: {} },
    };
    await sut.release(stage, ephemeral, { url: 'http://test.test', details: { environmentId: 'env-1' } });
    expect(destroyRequests).toEqual(['env-1']);
  });
});
