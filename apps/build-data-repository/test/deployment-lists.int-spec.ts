import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { DeploymentView, IncidentView } from '../src/deployments/list-deployments.dto';
import type { Page } from '../src/pagination/cursor';
import {
  deploymentEvent,
  incidentDetected,
  incidentResolved,
  type DeploymentFixture,
} from './support/deployment.fixtures';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

describe('GET /deployments and GET /incidents', () => {
  let sut: TestApp;
  const team = uniqueId('payments-');
  const shop = uniqueId('shop-');
  const cart = uniqueId('cart-');
  const other = uniqueId('other-');
  const ids: Record<string, string> = {};
  const incidents = { open: uniqueId('inc-open-'), resolved: uniqueId('inc-resolved-'), early: uniqueId('inc-early-') };

  beforeAll(async () => {
    sut = await startApp();
    for (const [name, owner] of [
      [shop, team],
      [cart, team],
      [other, uniqueId('other-team-')],
    ] as const) {
      await request(sut.http)
        .put(`/components/${name}`)
        .send({ team: owner, solution: 'webshop', versionScheme: 'counter' })
        .expect(201);
    }
    const deploy = async (key: string, fixture: DeploymentFixture) => {
      const event = deploymentEvent(fixture);
      ids[key] = event.id;
      await sut.engine.publishDirect(event.definition, event.data);
    };
    await deploy('shopQa', { component: shop, version: '1', environment: 'qa', at: '2026-11-02T10:00:00Z' });
    await deploy('shopProd', { component: shop, version: '1', at: '2026-11-03T10:00:00Z', deployedBy: 'alice' });
    await deploy('shopBack', { kind: 'rolledback', component: shop, version: '0', at: '2026-11-04T10:00:00Z' });
    await deploy('cartProd', { kind: 'upgraded', component: cart, version: '7', at: '2026-11-05T10:00:00Z' });
    await deploy('otherProd', { component: other, version: '3', at: '2026-11-06T10:00:00Z' });
    const report = (event: ReturnType<typeof incidentDetected>) =>
      sut.engine.publishDirect(event.definition, event.data);
    await report(incidentDetected({ id: incidents.open, component: shop, at: '2026-11-04T09:00:00Z' }));
    await report(incidentDetected({ id: incidents.resolved, component: cart, at: '2026-11-05T11:00:00Z' }));
    await report(incidentResolved({ id: incidents.resolved, component: cart, at: '2026-11-05T12:00:00Z' }));
    // Its resolution is all that arrived so far: listed by when it was resolved.
    await report(incidentResolved({ id: incidents.early, component: shop, at: '2026-11-01T08:00:00Z' }));

    await waitFor(
      async () => {
        const [deployments, reported] = await Promise.all([
          list<DeploymentView>('/deployments', { team }),
          list<IncidentView>('/incidents', { team }),
        ]);
        const bothEnds = reported.items.find((i) => i.id === incidents.resolved);
        return (
          deployments.items.length === 4 &&
          reported.items.length === 3 &&
          !!bothEnds?.detectedAt &&
          !!bothEnds.resolvedAt
        );
      },
      { description: 'the deployments and incidents stored' },
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  async function list<T>(path: string, query: Record<string, string | number>): Promise<Page<T>> {
    return (await request(sut.http).get(path).query(query).expect(200)).body as Page<T>;
  }
  it("lists a team's deployments newest first, with who deployed what where", async () => {
    const page = await list<DeploymentView>('/deployments', { team });

    expect(page.items.map((d) => d.id)).toEqual([ids.cartProd, ids.shopBack, ids.shopProd, ids.shopQa]);
    expect(page.items[2]).toEqual({
      id: ids.shopProd,
      kind: 'deployed',
      component: shop,
      version: '1',
      environment: 'production',
      service: `service/${shop}`,
      artifactId: `pkg:oci/${shop}@1`,
      revision: null,
      commitTime: null,
      runId: null,
      deployedBy: 'alice',
      deployedAt: '2026-11-03T10:00:00.000Z',
    });
    expect(page.nextCursor).toBeNull();
  });

  it('filters deployments by component, environment, kind and time range', async () => {
    const idsOf = async (query: Record<string, string>) =>
      (await list<DeploymentView>('/deployments', query)).items.map((d) => d.id);

    expect(await idsOf({ component: shop, environment: 'production' })).toEqual([ids.shopBack, ids.shopProd]);
    expect(await idsOf({ team, kind: 'rolledback' })).toEqual([ids.shopBack]);
    expect(await idsOf({ team, from: '2026-11-03T10:00:00Z', to: '2026-11-05T10:00:00Z' })).toEqual([
      ids.shopBack,
      ids.shopProd,
    ]);
  });

  it('pages through deployments with the cursor, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<DeploymentView> = await list<DeploymentView>('/deployments', {
        team,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toEqual([ids.cartProd, ids.shopBack, ids.shopProd, ids.shopQa]);
  });

  it('lists incidents newest first with their status, filtered by team, status and time', async () => {
    const page = await list<IncidentView>('/incidents', { team });

    expect(page.items.map((i) => [i.id, i.status])).toEqual([
      [incidents.resolved, 'resolved'],
      [incidents.open, 'open'],
      [incidents.early, 'resolved'],
    ]);
    expect(page.items[0]).toMatchObject({
      component: cart,
      environment: 'production',
      description: 'checkout is down',
      detectedAt: '2026-11-05T11:00:00.000Z',
      resolvedAt: '2026-11-05T12:00:00.000Z',
    });
    expect(page.items[2]).toMatchObject({ detectedAt: null, resolvedAt: '2026-11-01T08:00:00.000Z' });

    const ofStatus = async (query: Record<string, string | number>) =>
      (await list<IncidentView>('/incidents', { team, ...query })).items.map((i) => i.id);
    expect(await ofStatus({ status: 'open' })).toEqual([incidents.open]);
    expect(await ofStatus({ status: 'resolved', component: shop })).toEqual([incidents.early]);
    expect(await ofStatus({ from: '2026-11-02T00:00:00Z', to: '2026-11-05T00:00:00Z' })).toEqual([incidents.open]);
    const first = await list<IncidentView>('/incidents', { team, limit: 2 });
    const rest = await list<IncidentView>('/incidents', { team, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...rest.items].map((i) => i.id)).toEqual(page.items.map((i) => i.id));
    expect(rest.nextCursor).toBeNull();
  });

  it.each([
    ['/deployments', { kind: 'exploded' }, 'kind'],
    ['/deployments', { cursor: 'not-a-cursor' }, 'cursor'],
    ['/deployments', { from: '2026-11-05T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to'],
    ['/deployments', { limit: '0' }, 'limit'],
    ['/incidents', { status: 'closed' }, 'status'],
    ['/incidents', { from: 'yesterday' }, 'from'],
    ['/incidents', { team: '-bad name' }, 'team'],
  ])('answers %s?%j with a 400 naming %s', async (path, query, parameter) => {
    const response = await request(sut.http).get(path).query(query).expect(400);

    expect(response.body).toMatchObject({
      code: 'request.invalid',
      details: [expect.objectContaining({ path: parameter })],
    });
  });
});
