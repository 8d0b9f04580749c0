import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_RUN_FINISHED, PIPELINE_RUN_STARTED } from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import type { CancelRunDto } from '../src/cancellation/cancel-run.dto';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';
import { cdevent } from './support/peers';

jest.setTimeout(120_000);

/**
 * deploy: a long `main` task (its shell writes its pid, and a mark should it ever finish) and a `last`
 * clean-up; then verify, which must not run once the run is cancelled.
 */
function pipeline(component: string) {
  return `component: ${component}
team: team-cancel
solution: shop
pipeline:
  name: release
  stages:
    - name: deploy
      main:
        - name: roll-out
          run: echo $$ > roll-out.pid; sleep 60; touch rolled-out
      last:
        - name: clean-up
          run: touch cleaned-up
    - name: verify
      tasks:
        - name: smoke
          run: touch smoked
`;
}

describe('pipeline-engine cancelling runs', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    // Short leases: the heartbeat (a third of one) finds a request whose wake-up never came within a second.
    bed = await EngineAppTestbed.open({ PIPEWRIGHT_ENGINE_LEASE_SECONDS: '3' });
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();
  const runOf = async (runId: string) => (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;

  async function queue(): Promise<{ runId: string; workspace: string }> {
    const workspace = await bed.workspace('engine-cancel-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(uniqueId('cancel-')) })
      .expect(201);
    return { runId: (response.body as { id: string }).id, workspace };
  }

  /** A run whose long task is running (its process started). */
  async function running(): Promise<{ runId: string; workspace: string; pid: number }> {
    const { runId, workspace } = await queue();
    await bed.peers.allocateVersion(runId, '1.0.0');
    const pidFile = join(workspace, 'roll-out.pid');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', {
      timeoutMs: 30_000,
      description: 'the long task running',
    });
    return { runId, workspace, pid: Number(readFileSync(pidFile, 'utf8').trim()) };
  }

  /** Checks the cancelled run as the engine ended it: on Kafka, in its rows, and in the workspace. */
  async function expectCancelled(runId: string, workspace: string, errors: string) {
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId));
    expect(finished.subject.content).toMatchObject({ outcome: 'cancel' });
    expect((finished.subject.content as { errors: string }).errors).toContain(errors);
    const run = await waitFor(async () => {
      const current = await runOf(runId);
      return current.status === 'cancel' && current;
    });
    const [deploy, verify] = run.stages;
    expect(deploy!.tasks.find((t) => t.name === 'roll-out')).toMatchObject({ status: 'cancel' });
    expect(deploy!.tasks.find((t) => t.name === 'clean-up')).toMatchObject({ status: 'success' });
    expect(verify).toMatchObject({ status: 'skipped' });
    expect(existsSync(join(workspace, 'cleaned-up'))).toBe(true);
    expect(existsSync(join(workspace, 'rolled-out'))).toBe(false);
    expect(existsSync(join(workspace, 'smoked'))).toBe(false);
    return run;
  }

  it('cancels a running run: its task is killed, its clean-up runs, what follows is skipped', async () => {
    const { runId, workspace, pid } = await running();

    const response = await http()
      .post(`/runs/${runId}/cancel`)
      .send({ by: 'alice', reason: 'wrong branch' })
      .expect(202);
    const answer = response.body as CancelRunDto;
    expect(answer).toMatchObject({
      id: runId,
      status: 'running',
      cancelRequestedBy: 'alice',
      cancelReason: 'wrong branch',
    });

    const run = await expectCancelled(runId, workspace, 'cancelled by alice: wrong branch');
    expect(run.cancellation).toEqual({ requestedAt: answer.cancelRequestedAt, by: 'alice', reason: 'wrong branch' });
    expect(run.errors).toContain('cancelled by alice: wrong branch');
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);

    // Over: cancelling it again is a conflict, and it was announced finished once.
    const again = await http().post(`/runs/${runId}/cancel`).send({}).expect(409);
    expect(again.body).toMatchObject({ code: 'run.conflict' });
    expect((again.body as { message: string }).message).toContain('already finished (cancel)');
    expect(bed.peers.eventsOf(PIPELINE_RUN_FINISHED, runId)).toHaveLength(1);
  });

  it('ends a queued run at once, and a version that comes later does not start it', async () => {
    const { runId } = await queue();

    const answer = (await http().post(`/runs/${runId}/cancel`).send({ reason: 'not needed' }).expect(202))
      .body as CancelRunDto;
    expect(answer).toMatchObject({ status: 'cancel', cancelRequestedBy: null, cancelReason: 'not needed' });
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId));
    expect(finished.subject.content).toMatchObject({ outcome: 'cancel', errors: 'cancelled: not needed' });
    const run = await runOf(runId);
    expect(run).toMatchObject({ status: 'cancel', errors: 'cancelled: not needed', lease: null });
    expect(run.stages.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(run.stages.flatMap((s) => s.tasks.map((t) => t.status))).toEqual(['skipped', 'skipped', 'skipped']);

    await bed.peers.allocateVersion(runId, '2.0.0');
    await waitFor(async () => (await runOf(runId)).version === '2.0.0', { description: 'the version recorded' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runOf(runId)).toMatchObject({ status: 'cancel' });
    expect(bed.peers.eventsOf(PIPELINE_RUN_STARTED, runId)).toHaveLength(0);
  });

  it('finds a request it was not woken for at the next lease heartbeat', async () => {
    const { runId, workspace } = await running();
    // Recorded as the API does, but without the notification (as when the LISTEN connection was lost).
    await bed.dataSource.query(
      `UPDATE engine.runs SET cancel_requested_at = now(), cancel_requested_by = 'ops', cancel_reason = 'freeze'
        WHERE id = $1`,
      [runId],
    );
    await expectCancelled(runId, workspace, 'cancelled by ops: freeze');
  });

  it('answers 404 for an unknown run and 400 naming what is wrong', async () => {
    const unknown = await http().post('/runs/5b0c2a4e-4a8d-4f0e-9d6f-2f5f2d9c1a11/cancel').send({}).expect(404);
    expect(unknown.body).toMatchObject({ code: 'run.not_found' });

    const { runId } = await queue();
    const extra = await http().post(`/runs/${runId}/cancel`).send({ why: 'typo' }).expect(400);
    expect(JSON.stringify(extra.body)).toContain('why');
    const empty = await http().post(`/runs/${runId}/cancel`).send({ reason: '' }).expect(400);
    expect(JSON.stringify(empty.body)).toContain('reason');
    await http().post('/runs/not-a-uuid/cancel').send({}).expect(400);
    // None of that touched the run.
    expect(await runOf(runId)).toMatchObject({ status: 'queued', cancellation: null });
  });
});
