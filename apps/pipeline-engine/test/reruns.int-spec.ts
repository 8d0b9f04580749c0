import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPROVAL_REQUESTED,
  PIPELINE_RUN_FINISHED,
  PIPELINE_RUN_QUEUED,
  VERSION_ALLOCATED,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import type { RerunDto } from '../src/reruns/rerun.dto';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';
import { cdevent } from './support/peers';

jest.setTimeout(120_000);

/**
 * build (counts its runs, outputs the artifact it made), then deploy, which fails until the workspace
 * holds `fixed` and records what it deployed, then verify. Expressions read the kept build's output.
 */
function pipeline(component: string) {
  return `component: ${component}
team: team-rerun
solution: shop
pipeline:
  name: release
  stages:
    - name: build
      tasks:
        - name: compile
          run: echo run >> compile.count; echo "artifact=app-\${{ run.version }}.tar" >> "$PIPEWRIGHT_OUTPUT"
          outputs: [artifact]
    - name: deploy
      needs: [build]
      tasks:
        - name: push
          run: test -f fixed && echo "\${{ stages.build.tasks.compile.outputs.artifact }} as \${{ run.version }}" >> deployed
    - name: verify
      needs: [deploy]
      tasks:
        - name: smoke
          run: echo run >> smoke.count
`;
}

describe('pipeline-engine re-running a run from its failed stage', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    bed = await EngineAppTestbed.open();
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();
  const runOf = async (runId: string) => (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;

  /** A run of the pipeline that failed at deploy, as version 1.0.7. */
  async function failedRun(): Promise<{ runId: string; workspace: string }> {
    const workspace = await bed.workspace('engine-rerun-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(uniqueId('rerun-')), revision: 'abc1234' })
      .expect(201);
    const runId = (response.body as { id: string }).id;
    await bed.peers.allocateVersion(runId, '1.0.7');
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId));
    expect(finished.subject.content).toMatchObject({ outcome: 'failure' });
    return { runId, workspace };
  }

  it('runs the failed stage and what follows it again, reusing the build and its version', async () => {
    const { runId, workspace } = await failedRun();
    await writeFile(join(workspace, 'fixed'), '');

    const answer = (await http().post(`/runs/${runId}/rerun`).send({ by: 'alice' }).expect(201)).body as RerunDto;
    expect(answer).toMatchObject({ of: runId, version: '1.0.7', reusedStages: ['build'] });
    expect(answer.id).not.toBe(runId);

    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, answer.id));
    expect(finished.subject.content).toMatchObject({ outcome: 'success' });
    // The build ran once, for the first run; the deploy used its output and the same version.
    expect(readFileSync(join(workspace, 'compile.count'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(workspace, 'deployed'), 'utf8')).toBe('app-1.0.7.tar as 1.0.7\n');
    expect(readFileSync(join(workspace, 'smoke.count'), 'utf8')).toBe('run\n');

    const rerun = await runOf(answer.id);
    expect(rerun).toMatchObject({
      status: 'success',
      version: '1.0.7',
      revision: 'abc1234',
      trigger: { type: 'rerun', of: runId, by: 'alice' },
    });
    expect(rerun.stages.map((s) => [s.name, s.status, s.reused])).toEqual([
      ['build', 'success', true],
      ['deploy', 'success', false],
      ['verify', 'success', false],
    ]);
    expect(rerun.stages[0]!.tasks[0]).toMatchObject({
      name: 'compile',
      reused: true,
      outputs: { artifact: 'app-1.0.7.tar' },
    });

    // Announced with the version it continues, so the build-data repository allocates none.
    const queued = cdevent(await bed.peers.eventOf(PIPELINE_RUN_QUEUED, answer.id));
    expect(queued.customData).toMatchObject({ version: '1.0.7', trigger: { type: 'rerun', of: runId } });
    expect(bed.peers.eventsOf(VERSION_ALLOCATED, answer.id)).toHaveLength(0);
    // The first run is as it was.
    expect(await runOf(runId)).toMatchObject({ status: 'failure', version: '1.0.7' });

    // Nothing failed in the re-run: re-running it is a conflict.
    const again = await http().post(`/runs/${answer.id}/rerun`).send({}).expect(409);
    expect(again.body).toMatchObject({ code: 'rerun.conflict' });
    expect((again.body as { message: string }).message).toContain('succeeded: there is nothing to re-run');
  });

  it('can re-run a re-run that failed again, and refuses a run that is still going', async () => {
    const { runId } = await failedRun();
    const first = (await http().post(`/runs/${runId}/rerun`).send({}).expect(201)).body as RerunDto;
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, first.id));
    expect(finished.subject.content).toMatchObject({ outcome: 'failure' });
    const second = (await http().post(`/runs/${first.id}/rerun`).send({}).expect(201)).body as RerunDto;
    expect(second).toMatchObject({ of: first.id, version: '1.0.7', reusedStages: ['build'] });
    await bed.peers.eventOf(PIPELINE_RUN_FINISHED, second.id);

    const workspace = await bed.workspace('engine-rerun-');
    const queued = (
      await http()
        .post('/runs')
        .send({ workspace, pipelineYaml: pipeline(uniqueId('rerun-')) })
        .expect(201)
    ).body as { id: string };
    const going = await http().post(`/runs/${queued.id}/rerun`).send({}).expect(409);
    expect((going.body as { message: string }).message).toContain('is still queued');
  });

  it('keeps the approval a reused stage was given, and does not ask for it again', async () => {
    const workspace = await bed.workspace('engine-rerun-');
    const gated = `component: ${uniqueId('rerun-')}
team: team-rerun
solution: shop
pipeline:
  name: gated
  stages:
    - name: approved
      approval: { approvers: [alice] }
      tasks:
        - name: note
          run: echo run >> note.count
    - name: deploy
      needs: [approved]
      tasks:
        - name: push
          run: test -f fixed
`;
    const runId = (
      (await http().post('/runs').send({ workspace, pipelineYaml: gated }).expect(201)).body as { id: string }
    ).id;
    await bed.peers.allocateVersion(runId, '2.0.0');
    await bed.peers.eventOf(APPROVAL_REQUESTED, runId);
    await http().post(`/runs/${runId}/stages/approved/approve`).send({ by: 'alice' }).expect(200);
    await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId);
    await writeFile(join(workspace, 'fixed'), '');

    const rerun = (await http().post(`/runs/${runId}/rerun`).send({}).expect(201)).body as RerunDto;
    const finished = cdevent(await bed.peers.eventOf(PIPELINE_RUN_FINISHED, rerun.id));
    expect(finished.subject.content).toMatchObject({ outcome: 'success' });
    expect(bed.peers.eventsOf(APPROVAL_REQUESTED, rerun.id)).toHaveLength(0);
    const stage = (await runOf(rerun.id)).stages[0]!;
    expect(stage).toMatchObject({ name: 'approved', status: 'success', reused: true });
    expect(stage.approval).toMatchObject({ approvers: ['alice'], decision: 'approved', by: 'alice' });
    expect(readFileSync(join(workspace, 'note.count'), 'utf8')).toBe('run\n');
  });

  it('answers 404 for an unknown run and 400 naming what is wrong', async () => {
    const unknown = await http().post('/runs/5b0c2a4e-4a8d-4f0e-9d6f-2f5f2d9c1a11/rerun').send({}).expect(404);
    expect(unknown.body).toMatchObject({ code: 'run.not_found' });
    const bad = await http()
      .post('/runs/5b0c2a4e-4a8d-4f0e-9d6f-2f5f2d9c1a11/rerun')
      .send({ from: 'deploy' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    await http().post('/runs/not-a-uuid/rerun').send({}).expect(400);
  });

  it('waits for the repository to count a run whose first attempt never got a version', async () => {
    const workspace = await bed.workspace('engine-rerun-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(uniqueId('rerun-')) })
      .expect(201);
    const runId = (response.body as { id: string }).id;
    await http().post(`/runs/${runId}/cancel`).send({}).expect(202);

    const rerun = (await http().post(`/runs/${runId}/rerun`).send({}).expect(201)).body as RerunDto;
    expect(rerun).toMatchObject({ status: 'queued', version: null, reusedStages: [] });
    await bed.peers.allocateVersion(rerun.id, '1.0.8');
    await waitFor(async () => (await runOf(rerun.id)).status === 'failure', {
      description: 'the re-run failing at deploy',
    });
    expect(readFileSync(join(workspace, 'compile.count'), 'utf8')).toBe('run\n');
  });
});
