import {
  PipelineRunFinished,
  PipelineRunQueued,
  VERSION_ALLOCATED,
  VERSION_PROMOTED,
  type VersionAllocated,
  type VersionPromoted,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { EnvironmentVersions, PromotionPath } from '../src/promotions/promotion.dto';
import { deploymentEvent, type DeploymentFixture } from './support/deployment.fixtures';
import { aRun, finished, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

describe('promotions', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  /** Runs of `component` until it has `count` versions; answers them in order. */
  async function versionsOf(component: string, count: number, team = 'checkout'): Promise<string[]> {
    const versions: string[] = [];
    for (let i = 0; i < count; i++) {
      const run = aRun({ component, team });
      await sut.engine.publishDirect(PipelineRunQueued, queued(run));
      const allocation = await sut.tap.waitFor(
        (m) =>
          m.attributes?.type === VERSION_ALLOCATED && (m.data as VersionAllocated).subject.content.runId === run.runId,
        { description: `version ${i + 1} of ${component}` },
      );
      versions.push((allocation.data as VersionAllocated).subject.content.version);
    }
    return versions;
  }

  /** Publishes a deployment event and waits until the service has recorded it. */
  async function deploy(fixture: DeploymentFixture): Promise<string> {
    const { definition, data, id } = deploymentEvent(fixture);
    await sut.engine.publishDirect(definition, data);
    await waitFor(
      async () => {
        const rows = await sut.dataSource.query<unknown[]>('SELECT 1 FROM deployments WHERE id = $1', [id]);
        return rows.length === 1;
      },
      { description: `deployment ${id} recorded` },
    );
    return id;
  }

  const inProduction = async (team?: string) =>
    (
      await request(sut.http)
        .get(`/environments/production/versions${team ? `?team=${team}` : ''}`)
        .expect(200)
    ).body as EnvironmentVersions;

  it('shows a version’s path: promotions people record and deployments events report, oldest first', async () => {
    const component = uniqueId('path-');
    const [version] = await versionsOf(component, 1);
    const url = `/components/${component}/versions/${version}/promotions`;

    const tested = await request(sut.http).post(url).send({ environment: 'passed-test', by: 'pipeline' }).expect(201);
    expect(tested.body).toMatchObject({ kind: 'promoted', environment: 'passed-test', by: 'pipeline', reason: null });
    await request(sut.http).post(url).send({ environment: 'qa', by: 'alice', reason: 'sprint demo' }).expect(201);
    const deploymentId = await deploy({
      component,
      version: version!,
      at: new Date(Date.now() + 1_000).toISOString(),
      deployedBy: 'bob',
    });

    const path = (await request(sut.http).get(url).expect(200)).body as PromotionPath;
    expect(path.steps.map((s) => [s.kind, s.environment, s.by, s.reason, s.deploymentId])).toEqual([
      ['promoted', 'passed-test', 'pipeline', null, null],
      ['promoted', 'qa', 'alice', 'sprint demo', null],
      ['deployed', 'production', 'bob', null, deploymentId],
    ]);

    const announced = await sut.tap.waitFor(
      (m) =>
        m.attributes?.type === VERSION_PROMOTED &&
        (m.data as VersionPromoted).subject.content.component === component &&
        (m.data as VersionPromoted).subject.content.environment === 'qa',
      { description: 'the promotion to qa announced' },
    );
    expect((announced.data as VersionPromoted).subject).toMatchObject({
      id: `${component}@${version}`,
      content: { version, by: 'alice', reason: 'sprint demo' },
    });
  });

  it('knows which version of every component is in production now, through upgrades and rollbacks', async () => {
    const api = uniqueId('api-');
    const web = uniqueId('web-');
    const [v1, v2] = await versionsOf(api, 2);
    const [w1] = await versionsOf(web, 1, 'storefront');

    await deploy({ component: api, version: v1!, at: '2026-11-20T10:00:00.000Z' });
    await deploy({ kind: 'upgraded', component: api, version: v2!, at: '2026-11-21T10:00:00.000Z' });
    for (const environment of ['passed-test', 'qa', 'production']) {
      await request(sut.http)
        .post(`/components/${web}/versions/${w1}/promotions`)
        .send({ environment, by: 'carol' })
        .expect(201);
    }

    const before = await inProduction();
    expect(before.components.filter((c) => [api, web].includes(c.component))).toEqual([
      {
        component: api,
        version: v2,
        kind: 'upgraded',
        by: '/pipewright/pipeline-engine',
        since: '2026-11-21T10:00:00.000Z',
      },
      { component: web, version: w1, kind: 'promoted', by: 'carol', since: expect.any(String) },
    ]);

    // An hour after the upgrade, rolled back to v1: production runs v1 again.
    await deploy({ kind: 'rolledback', component: api, version: v1!, at: '2026-11-21T11:00:00.000Z' });
    const after = await inProduction('checkout');
    expect(after.components.find((c) => c.component === api)).toMatchObject({ version: v1, kind: 'rolledback' });
    expect(after.components.find((c) => c.component === web)).toBeUndefined();

    const v2Path = (await request(sut.http).get(`/components/${api}/versions/${v2}/promotions`).expect(200))
      .body as PromotionPath;
    expect(v2Path.steps.map((s) => s.kind)).toEqual(['upgraded']);
  });

  const promote = (component: string, version: string, environment: string) =>
    request(sut.http)
      .post(`/components/${component}/versions/${version}/promotions`)
      .send({ environment, by: 'release-bot' });

  it('refuses a promotion that skips a step of the path with a 409 naming the missing step', async () => {
    const component = uniqueId('skipping-');
    const [version] = await versionsOf(component, 1);

    const skipped = await promote(component, version!, 'production').expect(409);
    expect(skipped.body).toMatchObject({
      code: 'promotion.conflict',
      message: expect.stringContaining('it has not reached qa yet (path: built -> passed-test -> qa -> production)'),
      details: { reason: 'step_missing', missing: 'qa', path: ['passed-test', 'qa', 'production'] },
    });
    await promote(component, version!, 'passed-test').expect(201);
    // A deployment to qa reported by events counts as reaching it.
    await deploy({ component, version: version!, environment: 'qa', at: new Date().toISOString() });
    await promote(component, version!, 'production').expect(201);
    // Back to an earlier step, or again to one reached: nothing is skipped.
    await promote(component, version!, 'passed-test').expect(201);

    const offPath = await promote(component, version!, 'staging').expect(409);
    expect(offPath.body.details).toMatchObject({ reason: 'not_on_path' });
  });

  it('follows the path the component declares', async () => {
    const component = uniqueId('own-path-');
    const [version] = await versionsOf(component, 1);
    await request(sut.http)
      .put(`/components/${component}`)
      .send({ team: 'checkout', solution: 'webshop', versionScheme: 'counter', promotionPath: ['integration', 'live'] })
      .expect(200);

    await promote(component, version!, 'qa').expect(409);
    expect((await promote(component, version!, 'live').expect(409)).body.details.missing).toBe('integration');
    await promote(component, version!, 'integration').expect(201);
    await promote(component, version!, 'live').expect(201);
  });

  it('promotes no further a version whose run failed, or that was rolled back', async () => {
    const component = uniqueId('stopped-');
    const run = aRun({ component });
    await sut.engine.publishDirect(PipelineRunQueued, queued(run));
    await sut.engine.publishDirect(PipelineRunFinished, finished(run, 'failure'));
    const failedVersion = await waitFor(
      async () => {
        const body = (await request(sut.http).get(`/runs/${run.runId}`)).body as { version?: string; outcome?: string };
        return body.outcome === 'failure' && body.version;
      },
      { description: 'the failed run stored' },
    );
    const failed = await promote(component, failedVersion, 'passed-test').expect(409);
    expect(failed.body.details).toMatchObject({ reason: 'failed' });
    expect(failed.body.message).toContain('the run that built it did not succeed');

    const [good, bad] = await versionsOf(component, 2);
    for (const version of [good!, bad!]) {
      await promote(component, version, 'passed-test').expect(201);
      await promote(component, version, 'qa').expect(201);
    }
    await deploy({ component, version: good!, at: '2026-11-20T10:00:00.000Z' });
    await deploy({ kind: 'upgraded', component, version: bad!, at: '2026-11-21T10:00:00.000Z' });
    await deploy({ kind: 'rolledback', component, version: good!, at: '2026-11-21T11:00:00.000Z' });

    const rolledBack = await promote(component, bad!, 'production').expect(409);
    expect(rolledBack.body.details).toMatchObject({ reason: 'rolled_back' });
    // The version rolled back to is fine.
    await promote(component, good!, 'production').expect(201);
  });

  it('refuses promotions of unknown versions and bad input, naming the field', async () => {
    const component = uniqueId('refused-');
    const [version] = await versionsOf(component, 1);

    const unknown = await request(sut.http)
      .post(`/components/${component}/versions/77/promotions`)
      .send({ environment: 'qa', by: 'alice' })
      .expect(404);
    expect(unknown.body).toMatchObject({ code: 'version.not_found' });
    const noBy = await request(sut.http)
      .post(`/components/${component}/versions/${version}/promotions`)
      .send({ environment: 'qa' })
      .expect(400);
    expect(noBy.body.details).toEqual([{ path: 'by', message: expect.any(String) }]);
    const badEnvironment = await request(sut.http).get('/environments/no%20such/versions').expect(400);
    expect(badEnvironment.body.details[0].path).toBe('env');
    const badTeam = await request(sut.http).get('/environments/production/versions?team=%20').expect(400);
    expect(badTeam.body.details[0].path).toBe('team');
    await request(sut.http).get(`/components/${component}/versions/77/promotions`).expect(404);
  });
});
