import type { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { APPROVAL_DECIDED, APPROVAL_REQUESTED, PIPELINE_RUN_FINISHED, TASK_RUN_STARTED } from '@pipewright/contracts';
import { kafka, postgres, topicPrefix, uniqueId, waitFor, type PostgresService } from '@pipewright/testing';
import request from 'supertest';
import type { RunDto } from '../src/runs/run.dto';
import { startEngineApp } from './support/engine-app';
import { cdevent, Peers } from './support/peers';

jest.setTimeout(120_000);

/** build, then production (a person must approve), then announce. Each task leaves a mark in the workspace. */
function pipeline(component: string, approval = 'approvers: [alice, group:release-managers]') {
  return `component: ${component}
team: team-release
solution: shop
pipeline:
  name: release
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo run >> compile.count
    - name: production
      approval: { ${approval} }
      tasks:
        - name: deploy
          run: echo run >> deploy.count
    - name: announce
      tasks:
        - name: tell
          run: echo run >> tell.count
`;
}

describe('pipeline-engine approvals', () => {
  let db: PostgresService;
  let peers: Peers;
  let env: Record<string, string>;
  let app: INestApplication;
  const workspaces: string[] = [];

  beforeAll(async () => {
    const [{ brokers }, database] = await Promise.all([kafka(), postgres()]);
    db = database;
    const prefix = topicPrefix();
    env = { DATABASE_URL: db.url, KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix };
    app = await startEngineApp(env);
    peers = await Peers.open(brokers, prefix);
  });

  afterAll(async () => {
    await peers?.close();
    await app?.close();
    await db?.drop();
    for (const workspace of workspaces) await rm(workspace, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer() as Server);
  const ran = (workspace: string, task: string) => existsSync(join(workspace, `${task}.count`));
  const getRun = async (runId: string) => (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;
  const stageOf = (run: RunDto, name: string) => run.stages.find((s) => s.name === name)!;

  /** Starts a run and waits until its production stage asks for approval. */
  async function runWaitingForApproval(approval?: string) {
    const workspace = await mkdtemp(join(tmpdir(), 'engine-approvals-'));
    workspaces.push(workspace);
    const component = uniqueId('orders-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(component, approval) })
      .expect(201);
    const runId = (response.body as { id: string }).id;
    await peers.allocateVersion(runId, '4.2.0');
    const requested = await peers.eventOf(APPROVAL_REQUESTED, runId);
    return { runId, workspace, component, requested };
  }

  async function finishedRun(runId: string): Promise<RunDto> {
    return waitFor(
      async () => {
        const run = await getRun(runId);
        return run.finishedAt !== null ? run : null;
      },
      { timeoutMs: 30_000, description: `run ${runId} finished` },
    );
  }

  it('waits for an approver, who approves: the stage and what follows it run', async () => {
    const { runId, workspace, component, requested } = await runWaitingForApproval();

    expect(cdevent(requested).subject).toMatchObject({
      id: `${runId}/production`,
      content: { runId, stage: 'production', approvers: ['alice', 'group:release-managers'] },
    });
    expect(cdevent(requested).customData).toMatchObject({ component, pipelineName: 'release', version: '4.2.0' });
    const waiting = await getRun(runId);
    expect(waiting.status).toBe('running');
    expect(stageOf(waiting, 'build').status).toBe('success');
    expect(stageOf(waiting, 'production')).toMatchObject({
      status: 'waiting-approval',
      approval: {
        approvers: ['alice', 'group:release-managers'],
        requestedAt: cdevent(requested).subject.content.requestedAt,
        decision: null,
      },
      tasks: [expect.objectContaining({ name: 'deploy', status: 'pending' })],
    });
    expect(ran(workspace, 'deploy')).toBe(false);

    const approved = await http()
      .post(`/runs/${runId}/stages/production/approve`)
      .send({ by: 'alice', comment: 'release notes checked' })
      .expect(200);

    expect(approved.body).toMatchObject({
      runId,
      stage: 'production',
      decision: 'approved',
      by: 'alice',
      comment: 'release notes checked',
    });
    const decided = await peers.eventOf(APPROVAL_DECIDED, runId);
    expect(cdevent(decided).subject.content).toMatchObject({
      runId,
      stage: 'production',
      decision: 'approved',
      by: 'alice',
      at: (approved.body as { at: string }).at,
      comment: 'release notes checked',
    });
    const run = await finishedRun(runId);
    expect(run.status).toBe('success');
    expect(stageOf(run, 'production')).toMatchObject({
      status: 'success',
      approval: { decision: 'approved', by: 'alice', comment: 'release notes checked' },
    });
    expect(readFileSync(join(workspace, 'deploy.count'), 'utf8')).toBe('run\n');
    expect(ran(workspace, 'tell')).toBe(true);

    // Decided once: a second decision is a conflict.
    const again = await http().post(`/runs/${runId}/stages/production/reject`).send({ by: 'alice' }).expect(409);
    expect(again.body).toMatchObject({ code: 'approval.conflict' });
  });

  it('stops the run when an approver rejects: the stage fails, what needs it is skipped', async () => {
    const { runId, workspace } = await runWaitingForApproval('approvers: [alice, bob]');

    await http()
      .post(`/runs/${runId}/stages/production/reject`)
      .send({ by: 'bob', comment: 'not on a Friday' })
      .expect(200);

    const finished = await peers.eventOf(PIPELINE_RUN_FINISHED, runId);
    expect(cdevent(finished).subject.content).toMatchObject({
      outcome: 'failure',
      errors: 'stage "production" failed: rejected by bob: not on a Friday',
    });
    const decided = await peers.eventOf(APPROVAL_DECIDED, runId);
    expect(cdevent(decided).subject.content).toMatchObject({
      decision: 'rejected',
      by: 'bob',
      comment: 'not on a Friday',
    });
    const run = await finishedRun(runId);
    expect(run.stages.map((s) => [s.name, s.status])).toEqual([
      ['build', 'success'],
      ['production', 'failure'],
      ['announce', 'skipped'],
    ]);
    expect(ran(workspace, 'deploy')).toBe(false);
    expect(ran(workspace, 'tell')).toBe(false);
    const started = peers.eventsOf(TASK_RUN_STARTED, runId).map((m) => cdevent(m).subject.content.taskName);
    expect(started).toEqual(['compile']);
  });

  it('refuses deciders who are not approvers (403), stages that do not wait (409) and stages that do not exist (404)', async () => {
    const { runId } = await runWaitingForApproval('approvers: [alice]');
    const decide = (path: string, body: object) => http().post(`/runs/${runId}/stages/${path}`).send(body);

    const stranger = await decide('production/approve', { by: 'mallory' }).expect(403);
    expect(stranger.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stranger.body).toMatchObject({
      code: 'approval.forbidden',
      details: { by: 'mallory', approvers: ['alice'] },
    });
    const anonymous = await decide('production/approve', {}).expect(403);
    expect(anonymous.body).toMatchObject({ code: 'approval.forbidden', details: { by: null } });
    const finishedStage = await decide('build/approve', { by: 'alice' }).expect(409);
    expect(finishedStage.body).toMatchObject({
      code: 'approval.conflict',
      details: { stage: 'build', status: 'success' },
    });
    await decide('staging/approve', { by: 'alice' }).expect(404);
    await http().post(`/runs/${crypto.randomUUID()}/stages/production/approve`).send({ by: 'alice' }).expect(404);
    const badBody = await decide('production/approve', { by: 'alice', approved: true }).expect(400);
    expect(badBody.body).toMatchObject({ code: 'request.invalid' });

    // None of that decided anything: the stage still waits.
    expect(stageOf(await getRun(runId), 'production').status).toBe('waiting-approval');
    await decide('production/approve', { by: 'alice' }).expect(200);
    expect((await finishedRun(runId)).status).toBe('success');
  });

  it('keeps waiting across an engine restart, without asking twice, and goes on when approved after it', async () => {
    const { runId, workspace } = await runWaitingForApproval();

    await app.close();
    app = await startEngineApp(env);

    const resumed = await getRun(runId);
    expect(stageOf(resumed, 'production').status).toBe('waiting-approval');
    await http().post(`/runs/${runId}/stages/production/approve`).send({ by: 'alice' }).expect(200);
    const run = await finishedRun(runId);
    expect(run.status).toBe('success');
    expect(ran(workspace, 'deploy')).toBe(true);
    const requests = new Set(peers.eventsOf(APPROVAL_REQUESTED, runId).map((m) => m.attributes.id));
    expect(requests.size).toBe(1);
  });

  it('rejects on behalf of nobody when no one decides in time', async () => {
    const { runId } = await runWaitingForApproval('approvers: [alice], timeout: 1s');

    expect(cdevent(await peers.eventOf(APPROVAL_REQUESTED, runId)).subject.content.expiresAt).toEqual(
      expect.any(String),
    );
    const decided = await peers.eventOf(APPROVAL_DECIDED, runId);
    expect(cdevent(decided).subject.content).toMatchObject({ decision: 'rejected', by: 'pipewright' });
    const run = await finishedRun(runId);
    expect(stageOf(run, 'production')).toMatchObject({
      status: 'failure',
      errors: 'rejected by pipewright: no decision within 1s',
      approval: { decision: 'rejected', by: 'pipewright', comment: 'no decision within 1s' },
    });
  });
});
