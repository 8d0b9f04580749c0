import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newCDEvent, PIPELINE_RUN_FINISHED, PipelineRunFinished } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import type { RunDto } from '../src/runs/run.dto';
import type { TriggerDto } from '../src/triggers/create-trigger.dto';
import { TriggerService } from '../src/triggers/trigger.service';
import { signBody } from '../src/triggers/webhook-signature';
import { EngineAppTestbed } from './support/engine-app';

jest.setTimeout(120_000);

const SECRET = 'a-webhook-secret-of-some-length';

describe('pipeline-engine triggers', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    bed = await EngineAppTestbed.open();
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();

  /** A checked-out repository whose pipewright.yml belongs to a fresh component. */
  async function repository(): Promise<{ workspace: string; component: string }> {
    const component = uniqueId('trig-');
    const workspace = await bed.workspace('engine-triggers-');
    await writeFile(
      join(workspace, 'pipewright.yml'),
      `component: ${component}\nteam: team-t\nsolution: web\npipeline:\n  name: ci\n  stages:\n    - name: build\n      tasks:\n        - name: compile\n          run: echo compiling\n`,
    );
    return { workspace, component };
  }

  async function register(body: object): Promise<TriggerDto> {
    return (await http().post('/triggers').send(body).expect(201)).body as TriggerDto;
  }

  async function runsOf(
    component: string,
  ): Promise<{ id: string; revision: string | null; trigger: RunDto['trigger'] }[]> {
    return bed.dataSource.query(`SELECT id, revision, trigger FROM engine.runs WHERE component = $1`, [component]);
  }

  describe('registrations', () => {
    it('rejects a bad body with a problem naming the field', async () => {
      const { workspace, component } = await repository();
      const cron = await http()
        .post('/triggers')
        .send({ component, workspace, kind: 'schedule', schedule: { cron: '0 25 * * *' } })
        .expect(400);
      expect(cron.headers['content-type']).toContain('problem+json');
      expect(cron.body.details).toEqual([
        { path: 'schedule.cron', message: expect.stringMatching(/^hour field "25"/) },
      ]);

      const secret = await http()
        .post('/triggers')
        .send({ component, workspace, kind: 'webhook', webhook: { secret: 'short' } })
        .expect(400);
      expect(secret.body.details[0].path).toBe('webhook.secret');
    });

    it('lists triggers without their secrets and deletes them', async () => {
      const { workspace, component } = await repository();
      const trigger = await register({ component, workspace, kind: 'webhook', webhook: { secret: SECRET } });
      expect(trigger).toMatchObject({ kind: 'webhook', webhook: { branch: 'main' } });

      const listed = (await http().get('/triggers').expect(200)).body as TriggerDto[];
      const mine = listed.find((t) => t.id === trigger.id);
      expect(mine).toMatchObject({ component, workspace });
      expect(JSON.stringify(mine)).not.toContain(SECRET);

      await http().delete(`/triggers/${trigger.id}`).expect(204);
      await http().delete(`/triggers/${trigger.id}`).expect(404);
    });
  });

  describe('git push webhook', () => {
    const push = (ref: string, after: string) =>
      JSON.stringify({
        ref,
        after,
        repository: { full_name: 'acme/shop' },
        pusher: { name: 'alice' },
        head_commit: { timestamp: '2026-11-22T10:00:00Z' },
      });

    function deliver(triggerId: string, body: string, headers: Record<string, string>) {
      return http()
        .post(`/webhooks/git/${triggerId}`)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .set(headers)
        .send(body);
    }

    it('verifies the signature over the raw body, answers pings, ignores other branches, runs once per delivery', async () => {
      const { workspace, component } = await repository();
      const trigger = await register({ component, workspace, kind: 'webhook', webhook: { secret: SECRET } });
      // Spacing a JSON re-serialisation would not reproduce: the signature must be over these bytes.
      const body = push('refs/heads/main', 'c0ffee1234').replace(/,/g, ', ');

      const unsigned = await deliver(trigger.id, body, {}).expect(401);
      expect(unsigned.headers['content-type']).toContain('problem+json');
      await deliver(trigger.id, body, { 'X-Hub-Signature-256': signBody('some-other-secret-value', body) }).expect(401);

      await deliver(trigger.id, '{"zen":"hi"}', {
        'X-GitHub-Event': 'ping',
        'X-Hub-Signature-256': signBody(SECRET, '{"zen":"hi"}'),
      }).expect(204);

      const other = push('refs/heads/feature', 'beef');
      const ignored = await deliver(trigger.id, other, { 'X-Hub-Signature-256': signBody(SECRET, other) }).expect(202);
      expect(ignored.body).toEqual({ ignored: 'branch' });

      const headers = { 'X-Hub-Signature-256': signBody(SECRET, body), 'X-GitHub-Delivery': randomUUID() };
      const started = await deliver(trigger.id, body, headers).expect(202);
      const { runId } = started.body as { runId: string };
      const run = (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;
      expect(run).toMatchObject({ component, revision: 'c0ffee1234', trigger: { type: 'webhook', by: 'alice' } });

      const replay = await deliver(trigger.id, body, headers).expect(202);
      expect(replay.body).toEqual({ runId, duplicate: true });
      expect(await runsOf(component)).toHaveLength(1);
    });

    it("refuses to run a workspace whose pipewright.yml is another component's", async () => {
      const { workspace, component } = await repository();
      const trigger = await register({
        component: 'someone-else',
        workspace,
        kind: 'webhook',
        webhook: { secret: SECRET },
      });
      const body = push('refs/heads/main', 'abc123');
      const refused = await deliver(trigger.id, body, { 'X-Hub-Signature-256': signBody(SECRET, body) }).expect(409);
      expect(refused.body.code).toBe('trigger.conflict');
      expect(await runsOf(component)).toHaveLength(0);
    });

    it('answers 404 for an unknown trigger', async () => {
      const body = push('refs/heads/main', 'abc');
      await deliver(randomUUID(), body, { 'X-Hub-Signature-256': signBody(SECRET, body) }).expect(404);
    });
  });

  describe('schedule', () => {
    it('fires a due slot once even when several engines look at the same time', async () => {
      const { workspace, component } = await repository();
      const trigger = await register({ component, workspace, kind: 'schedule', schedule: { cron: '*/5 * * * *' } });
      expect(new Date(trigger.schedule!.nextRunAt).getTime()).toBeGreaterThan(Date.now());

      await bed.dataSource.query(`UPDATE engine.triggers SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [
        trigger.id,
      ]);
      // Three passes racing (as three engines would), besides the app's own scheduler loop.
      const service = bed.app.get(TriggerService);
      await Promise.all([service.fireDueSchedules(), service.fireDueSchedules(), service.fireDueSchedules()]);

      const runs = await waitFor(
        async () => {
          const found = await runsOf(component);
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 30_000, description: 'the scheduled run' },
      );
      expect(runs).toHaveLength(1);
      expect(runs[0]!.trigger).toEqual({ type: 'schedule', by: 'cron */5 * * * *' });

      const [listed] = ((await http().get('/triggers').expect(200)).body as TriggerDto[]).filter(
        (t) => t.id === trigger.id,
      );
      expect(new Date(listed!.schedule!.nextRunAt).getTime()).toBeGreaterThan(Date.now());
      await service.fireDueSchedules();
      expect(await runsOf(component)).toHaveLength(1);
    });
  });

  describe('upstream', () => {
    const finished = (component: string, runId: string, outcome: 'success' | 'failure') =>
      newCDEvent(
        PIPELINE_RUN_FINISHED,
        '/test/other-engine',
        { id: runId, content: { pipelineName: 'ci', outcome } },
        { component, team: 'team-u', solution: 'web', durationMs: 1000 },
      );

    async function processed(messageId: string): Promise<void> {
      await waitFor(
        async () => {
          const rows: unknown[] = await bed.dataSource.query(
            `SELECT 1 FROM engine.processed_messages WHERE consumer = 'upstream-runs' AND message_id = $1`,
            [messageId],
          );
          return rows.length > 0 || undefined;
        },
        { timeoutMs: 60_000, description: `upstream-runs to process ${messageId}` },
      );
    }

    it("starts the downstream's run on an upstream success, once per upstream run, and not on a failure", async () => {
      const { workspace, component } = await repository();
      const upstream = uniqueId('up-');
      await register({ component, workspace, kind: 'upstream', upstream: { component: upstream } });

      const failedRun = randomUUID();
      await processed(await bed.peers.bus.publishDirect(PipelineRunFinished, finished(upstream, failedRun, 'failure')));
      expect(await runsOf(component)).toHaveLength(0);

      const goodRun = randomUUID();
      await processed(await bed.peers.bus.publishDirect(PipelineRunFinished, finished(upstream, goodRun, 'success')));
      // The same run's event again, as a second publisher or a replay would send it.
      await processed(await bed.peers.bus.publishDirect(PipelineRunFinished, finished(upstream, goodRun, 'success')));

      const runs = await runsOf(component);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ revision: null, trigger: { type: 'upstream', by: `${upstream}#${goodRun}` } });
    });
  });
});
