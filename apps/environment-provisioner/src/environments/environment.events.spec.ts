import { EnvironmentCreated, EnvironmentDeleted, EnvironmentFailed, parseMessage } from '@pipewright/contracts';
import { EnvironmentResource } from './environment-resource.entity';
import { Environment } from './environment.entity';
import { environmentCreated, environmentDeleted, environmentFailed } from './environment.events';

function environment(fields: Partial<Environment> = {}): Environment {
  return Object.assign(new Environment(), {
    id: 'env-1',
    name: 'checkout-test',
    runId: null,
    component: 'checkout',
    team: 'payments',
    solution: 'shop',
    size: 'small',
    lifetime: 'long-lived',
    driver: 'local-process',
    status: 'ready',
    url: 'http://127.0.0.1:4000',
    failureReason: null,
    createdAt: new Date('2026-01-01T10:00:00Z'),
    readyAt: new Date('2026-01-01T10:00:02Z'),
    failedAt: null,
    deletedAt: null,
    ...fields,
  });
}

function resource(fields: Partial<EnvironmentResource> = {}): EnvironmentResource {
  return Object.assign(new EnvironmentResource(), {
    id: '5a1c1b9e-0a4e-4f57-9a3f-1f0d3c1d2e3f',
    environmentId: 'env-1',
    type: 'process',
    size: 'small',
    tags: { service: 'checkout', team: 'payments', solution: 'shop', environment: 'checkout-test', size: 'small' },
    details: { pid: 1234, port: 4000 },
    startedAt: new Date('2026-01-01T10:00:00Z'),
    endedAt: null,
    ...fields,
  });
}

describe(environmentCreated.name, () => {
  it('announces url, cost tags and resources, and leaves runId out when there is none', () => {
    const sut = parseMessage(EnvironmentCreated, environmentCreated(environment(), [resource()]));

    expect(sut.subject).toEqual({ id: 'env-1', content: { name: 'checkout-test', url: 'http://127.0.0.1:4000' } });
    expect(sut.customData).not.toHaveProperty('runId');
    expect(sut.customData.tags).toEqual({
      service: 'checkout',
      team: 'payments',
      solution: 'shop',
      environment: 'checkout-test',
      size: 'small',
    });
    expect(sut.customData.resources).toEqual([
      expect.objectContaining({ startedAt: '2026-01-01T10:00:00.000Z', details: { pid: 1234, port: 4000 } }),
    ]);
  });
});

describe(environmentFailed.name, () => {
  it('carries the reason and the run', () => {
    const sut = parseMessage(
      EnvironmentFailed,
      environmentFailed(environment({ runId: 'run-7' }), 'exited with code 1'),
    );

    expect(sut.subject.content.reason).toBe('exited with code 1');
    expect(sut.customData.runId).toBe('run-7');
  });
});

describe(environmentDeleted.name, () => {
  it('says when each resource ended', () => {
    const endedAt = new Date('2026-01-01T11:00:00Z');

    const sut = parseMessage(EnvironmentDeleted, environmentDeleted(environment(), endedAt, [resource({ endedAt })]));

    expect(sut.customData.deletedAt).toBe('2026-01-01T11:00:00.000Z');
    expect(sut.customData.resources).toEqual([{ id: resource().id, endedAt: '2026-01-01T11:00:00.000Z' }]);
  });

  it('refuses to announce a deletion while a resource has not ended', () => {
    expect(() => environmentDeleted(environment(), new Date(), [resource()])).toThrow('has not ended');
  });
});
