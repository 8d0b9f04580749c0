import { PipelineRunQueued, VERSION_ALLOCATED, type VersionAllocated } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { DoraResponse } from '../src/dora/dora.dto';
import {
  deploymentEvent,
  incidentDetected,
  incidentResolved,
  type DeploymentFixture,
} from './support/deployment.fixtures';
import { aRun, queued } from './support/run-events.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

/*
 * A hand-made history of component `shop` (team `shop-team`), and the answers worked out by hand.
 * Range: 2026-11-01T00:00Z (a Sunday) to 2026-11-15T00:00Z: 14 days, two whole Sunday-to-Saturday weeks.
 *
 * Production deployments (deployed/upgraded) in the range, with their commit times:
 *   D1 Nov 2 10:00, commit Nov 2 08:00 -> lead  120 min
 *   D2 Nov 3 10:00, commit Nov 2 22:00 -> lead  720 min; incident INC1 names D2          -> failed
 *   D3 Nov 4 12:00, commit Nov 4 11:30 -> lead   30 min; rolled back Nov 4 13:00         -> failed
 *   D4 Nov 5 09:00, commit Nov 4 09:00 -> lead 1440 min (the rollback came before it: not failed)
 *   D5 Nov 9 15:00, no commit time     -> no lead time; INC2's root cause is its revision -> failed
 *   D6 Nov 10 08:00, commit = deploy   -> lead 0: ignored, as Four Keys ignores automated pushes
 * Not counted: the rollback itself (Nov 4 13:00), a QA deployment (Nov 6), a production deployment
 * before the range (Oct 30), and another team's component deployed Nov 6.
 *
 * Deployment frequency: 6 deployments / 14 days = 3/7 per day, 3 per week. Deployed days per week:
 *   week Nov 1-7: Nov 2, 3, 4, 5 = 4; week Nov 8-14: Nov 9, 10 = 2; median (4 + 2) / 2 = 3 >= 3 -> daily -> elite.
 * Lead time: samples 30, 120, 720, 1440 -> median (120 + 720) / 2 = 420 min (< 1 day) -> elite;
 *   4 changes, 1 deployment without commit time. Per day: Nov 2 120, Nov 3 720, Nov 4 30, Nov 5 1440.
 * Change failure rate: D2, D3, D5 of 6 -> 3/6 = 0.5 (> 15%) -> low.
 * Time to restore (production incidents detected in the range):
 *   INC1 Nov 3 11:00 -> 12:30 =  90 min (resolved reported before detected: they still meet)
 *   INC2 Nov 9 16:00 -> 20:00 = 240 min
 *   INC3 Nov 12 00:00 -> 00:30 = 30 min
 *   INC4 Nov 13 10:00, unresolved -> not in the median, counted as unresolved
 *   (a QA incident is not counted)
 *   median of 30, 90, 240 = 90 min (>= 1 hour, < 1 day) -> high.
 */
describe('DORA metrics', () => {
  let sut: TestApp;
  const shop = uniqueId('shop-');
  const other = uniqueId('other-');
  const team = uniqueId('shop-team-');
  const range = 'from=2026-11-01&to=2026-11-15T00:00:00Z';

  beforeAll(async () => {
    sut = await startApp();
    // Components (and their teams) are known from their runs.
    for (const [component, owner] of [
      [shop, team],
      [other, uniqueId('other-team-')],
    ] as const) {
      const run = aRun({ component, team: owner });
      await sut.engine.publishDirect(PipelineRunQueued, queued(run));
      await sut.tap.waitFor(
        (m) =>
          m.attributes?.type === VERSION_ALLOCATED && (m.data as VersionAllocated).subject.content.runId === run.runId,
        { description: `the first version of ${component}` },
      );
    }

    const deploy = async (fixture: Omit<DeploymentFixture, 'component'> & { component?: string }) => {
      const event = deploymentEvent({ component: shop, ...fixture });
      await sut.engine.publishDirect(event.definition, event.data);
      return event.id;
    };
    const detect = (
      id: string,
      at: string,
      cause: { deploymentId?: string; revision?: string } = {},
      environment?: string,
    ) => {
      const { definition, data } = incidentDetected({ id, component: shop, at, environment, ...cause });
      return sut.engine.publishDirect(definition, data);
    };
    const resolve = (id: string, at: string, environment?: string) => {
      const { definition, data } = incidentResolved({ id, component: shop, at, environment });
      return sut.engine.publishDirect(definition, data);
    };

    await deploy({ version: '0', at: '2026-10-30T10:00:00.000Z', commitTime: '2026-10-30T09:00:00.000Z' });
    await deploy({
      version: '1',
      at: '2026-11-02T10:00:00.000Z',
      commitTime: '2026-11-02T08:00:00.000Z',
      revision: 'r1',
    });
    const d2 = await deploy({
      kind: 'upgraded',
      version: '2',
      at: '2026-11-03T10:00:00.000Z',
      commitTime: '2026-11-02T22:00:00.000Z',
      revision: 'r2',
    });
    await resolve('INC1', '2026-11-03T12:30:00.000Z');
    await detect('INC1', '2026-11-03T11:00:00.000Z', { deploymentId: d2 });
    await deploy({
      version: '3',
      at: '2026-11-04T12:00:00.000Z',
      commitTime: '2026-11-04T11:30:00.000Z',
      revision: 'r3',
    });
    await deploy({ kind: 'rolledback', version: '2', at: '2026-11-04T13:00:00.000Z', revision: 'r2' });
    await deploy({
      version: '4',
      at: '2026-11-05T09:00:00.000Z',
      commitTime: '2026-11-04T09:00:00.000Z',
      revision: 'r4',
    });
    await deploy({
      version: '4',
      environment: 'qa',
      at: '2026-11-06T09:00:00.000Z',
      commitTime: '2026-11-04T09:00:00.000Z',
    });
    await deploy({ version: '5', at: '2026-11-09T15:00:00.000Z', revision: 'r5' });
    await detect('INC2', '2026-11-09T16:00:00.000Z', { revision: 'r5' });
    await resolve('INC2', '2026-11-09T20:00:00.000Z');
    await deploy({
      version: '6',
      at: '2026-11-10T08:00:00.000Z',
      commitTime: '2026-11-10T08:00:00.000Z',
      revision: 'r6',
    });
    await detect('INC3', '2026-11-12T00:00:00.000Z');
    await resolve('INC3', '2026-11-12T00:30:00.000Z');
    await detect('INC4', '2026-11-13T10:00:00.000Z');
    await detect('QA-1', '2026-11-13T11:00:00.000Z', {}, 'qa');
    await resolve('QA-1', '2026-11-13T11:05:00.000Z', 'qa');
    // Keyed by component like everything above, so once it is stored, all of shop's events are.
    const last = await deploy({ version: '6', environment: 'qa', at: '2026-11-14T09:00:00.000Z' });
    const others = await deploy({ component: other, version: '1', at: '2026-11-06T10:00:00.000Z' });

    await waitFor(
      async () => {
        const rows = await sut.dataSource.query<unknown[]>('SELECT 1 FROM deployments WHERE id = ANY($1)', [
          [last, others],
        ]);
        return rows.length === 2;
      },
      { description: 'the whole history stored' },
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('answers a component’s four keys as computed by hand', async () => {
    const response = await request(sut.http).get(`/dora?component=${shop}&${range}`).expect(200);
    const body = response.body as DoraResponse;

    expect(body).toMatchObject({
      scope: { team: null, component: shop },
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-15T00:00:00.000Z',
      productionEnvironments: ['production', 'prod'],
    });
    expect(body.deploymentFrequency).toMatchObject({ deployments: 6, perWeek: 3, frequency: 'daily', band: 'elite' });
    expect(body.deploymentFrequency.perDay).toBeCloseTo(3 / 7, 10);
    expect(body.deploymentFrequency.daily.filter((d) => d.deployments > 0)).toEqual([
      { day: '2026-11-02', deployments: 1 },
      { day: '2026-11-03', deployments: 1 },
      { day: '2026-11-04', deployments: 1 },
      { day: '2026-11-05', deployments: 1 },
      { day: '2026-11-09', deployments: 1 },
      { day: '2026-11-10', deployments: 1 },
    ]);
    expect(body.deploymentFrequency.daily).toHaveLength(14);

    expect(body.leadTimeForChanges).toEqual({
      medianMinutes: 420,
      changes: 4,
      withoutCommitTime: 1,
      band: 'elite',
      daily: [
        { day: '2026-11-02', medianMinutes: 120 },
        { day: '2026-11-03', medianMinutes: 720 },
        { day: '2026-11-04', medianMinutes: 30 },
        { day: '2026-11-05', medianMinutes: 1440 },
      ],
    });

    expect(body.changeFailureRate).toMatchObject({ rate: 0.5, failedDeployments: 3, deployments: 6, band: 'low' });
    expect(body.changeFailureRate.daily.map((d) => [d.day, d.failedDeployments])).toEqual([
      ['2026-11-02', 0],
      ['2026-11-03', 1],
      ['2026-11-04', 1],
      ['2026-11-05', 0],
      ['2026-11-09', 1],
      ['2026-11-10', 0],
    ]);

    expect(body.timeToRestore).toEqual({
      medianMinutes: 90,
      incidents: 3,
      unresolved: 1,
      band: 'high',
      daily: [
        { day: '2026-11-03', medianMinutes: 90 },
        { day: '2026-11-09', medianMinutes: 240 },
        { day: '2026-11-12', medianMinutes: 30 },
      ],
    });
  });

  it('answers the same for the component’s team, without other teams’ deployments', async () => {
    const byTeam = (await request(sut.http).get(`/dora?team=${team}&${range}`).expect(200)).body as DoraResponse;
    const byComponent = (await request(sut.http).get(`/dora?component=${shop}&${range}`).expect(200))
      .body as DoraResponse;

    expect(byTeam.scope).toEqual({ team, component: null });
    expect({ ...byTeam, scope: null }).toEqual({ ...byComponent, scope: null });
    const everything = (await request(sut.http).get(`/dora?${range}`).expect(200)).body as DoraResponse;
    expect(everything.deploymentFrequency.deployments).toBe(7);
  });

  it('answers bad input with a 400 naming the parameter, and unknown scopes with 404', async () => {
    const both = await request(sut.http).get(`/dora?team=${team}&component=${shop}`).expect(400);
    expect(both.body.details).toEqual([{ path: 'component', message: 'give either team or component, not both' }]);
    const backwards = await request(sut.http).get('/dora?from=2026-11-15&to=2026-11-01').expect(400);
    expect(backwards.body.details[0].path).toBe('to');
    const badDate = await request(sut.http).get('/dora?from=last-tuesday').expect(400);
    expect(badDate.body.details[0].path).toBe('from');
    const tooLong = await request(sut.http).get('/dora?from=2024-01-01&to=2026-01-01').expect(400);
    expect(tooLong.body.details[0].path).toBe('from');
    await request(sut.http).get('/dora?component=never-deployed').expect(404);
    const noTeam = await request(sut.http).get('/dora?team=nobody').expect(404);
    expect(noTeam.body).toMatchObject({ code: 'team.not_found' });
  });
});
