import { PipelineRunQueued } from '@pipewright/contracts';
import { waitFor } from '@pipewright/testing';
import request from 'supertest';
import { queued, type RunFixture } from './run-events.fixtures';
import type { TestApp } from './start-app';

/**
 * Queues `run` as the engine does and waits until the service has stored it (its row and its event
 * in the log commit together). Its version is announced before that, so the announcement is no sign.
 * Answers the run's version.
 */
export async function queueRun(sut: TestApp, run: RunFixture): Promise<string> {
  await sut.engine.publishDirect(PipelineRunQueued, queued(run));
  return waitFor(
    async () => {
      const response = await request(sut.http).get(`/runs/${run.runId}`);
      return response.status === 200 && (response.body as { version: string | null }).version;
    },
    { description: `run ${run.runId} stored` },
  );
}
