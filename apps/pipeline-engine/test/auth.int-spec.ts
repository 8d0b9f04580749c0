import { randomUUID } from 'node:crypto';
import { APPROVAL_REQUESTED } from '@pipewright/contracts';
import { uniqueId } from '@pipewright/testing';
import type { RunListDto } from '../src/runs/list-runs.dto';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';

jest.setTimeout(120_000);

const TOKENS = { alice: 'alice-t0ken', bob: 'bob-t0ken', ops: 'ops-t0ken' };

/** build, then production, which alice (of team-a) approves. */
function pipeline(component: string, team: string) {
  return `component: ${component}
team: ${team}
solution: shop
pipeline:
  name: guarded
  stages:
    - name: build
      tasks: [{ name: compile, run: echo compiled }]
    - name: production
      approval: { approvers: [alice] }
      tasks: [{ name: deploy, run: echo deployed }]
`;
}

describe('pipeline-engine with bearer tokens', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    bed = await EngineAppTestbed.open({}, [
      { name: 'alice', token: TOKENS.alice, teams: ['team-a'] },
      { name: 'bob', token: TOKENS.bob, teams: ['team-b'] },
      { name: 'ops', token: TOKENS.ops, admin: true },
    ]);
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();
  const as = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });

  async function start(who: keyof typeof TOKENS, team: string, status: number) {
    const workspace = await bed.workspace('engine-auth-');
    return http()
      .post('/runs')
      .set(as(who))
      .send({ workspace, pipelineYaml: pipeline(uniqueId('guarded-'), team) })
      .expect(status);
  }

  it('answers 401 without a token and with a wrong one, but health and the git webhook need none', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }, { authorization: TOKENS.alice }]) {
      const list = await http().get('/runs').set(headers).expect(401);
      expect(list.body).toMatchObject({ code: 'auth.unauthorized' });
      await http().post('/runs').set(headers).send({}).expect(401);
      await http().get('/triggers').set(headers).expect(401);
    }
    await http().get('/health/live').expect(200);
    // No bearer token at all: refused by its signature check (unknown trigger), not by the token guard.
    const webhook = await http().post(`/webhooks/git/${randomUUID()}`).send({}).expect(404);
    expect(webhook.body).toMatchObject({ code: 'trigger.not_found' });
  });

  it("lets a team start and see its runs only; another team's get 403, an admin sees all", async () => {
    const started = await start('alice', 'team-a', 201);
    const runId = (started.body as { id: string }).id;
    const refused = await start('alice', 'team-b', 403);
    expect(refused.body).toMatchObject({ code: 'auth.forbidden', details: { caller: 'alice', team: 'team-b' } });

    const run = (await http().get(`/runs/${runId}`).set(as('alice')).expect(200)).body as RunDto;
    expect(run.trigger).toEqual({ type: 'http', by: 'alice' });
    await http().get(`/runs/${runId}`).set(as('bob')).expect(403);
    await http().get(`/runs/${runId}/logs`).set(as('bob')).expect(403);
    await http().get(`/runs/${runId}`).set(as('ops')).expect(200);

    const bobs = (await http().get('/runs').set(as('bob')).expect(200)).body as RunListDto;
    expect(bobs.runs.map((r) => r.id)).not.toContain(runId);
    await http().get('/runs').query({ team: 'team-a' }).set(as('bob')).expect(403);
    const alices = (await http().get('/runs').set(as('alice')).expect(200)).body as RunListDto;
    expect(alices.runs.map((r) => r.id)).toContain(runId);
  });

  it("records the token's name as the approver; the body cannot name someone else", async () => {
    const runId = ((await start('alice', 'team-a', 201)).body as { id: string }).id;
    await bed.peers.allocateVersion(runId, '1.0.0');
    await bed.peers.eventOf(APPROVAL_REQUESTED, runId);

    const spoofed = await http()
      .post(`/runs/${runId}/stages/production/approve`)
      .set(as('alice'))
      .send({ by: 'mallory' })
      .expect(400);
    expect(spoofed.body).toMatchObject({ details: [{ path: 'by' }] });
    // bob is not of the run's team (and not an approver); ops is an admin, but not an approver.
    await http().post(`/runs/${runId}/stages/production/approve`).set(as('bob')).send({}).expect(403);
    const admin = await http().post(`/runs/${runId}/stages/production/approve`).set(as('ops')).send({}).expect(403);
    expect(admin.body).toMatchObject({ code: 'approval.forbidden' });

    const approved = await http()
      .post(`/runs/${runId}/stages/production/approve`)
      .set(as('alice'))
      .send({ comment: 'ship it' })
      .expect(200);
    expect(approved.body).toMatchObject({ decision: 'approved', by: 'alice', comment: 'ship it' });
    const run = (await http().get(`/runs/${runId}`).set(as('alice')).expect(200)).body as RunDto;
    expect(run.stages.find((s) => s.name === 'production')?.approval).toMatchObject({ by: 'alice' });
  });
});
