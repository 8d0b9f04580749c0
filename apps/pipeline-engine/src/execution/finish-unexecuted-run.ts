import { newCDEvent, PIPELINE_RUN_FINISHED, PipelineRunFinished, sourceOf } from '@pipewright/contracts';
import type { OutboxWriter } from '@pipewright/event-bus';
import { In, type EntityManager } from 'typeorm';
import { SERVICE_NAME } from '../config/env';
import type { EnvironmentService } from '../environments/environment.service';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';

const SOURCE = sourceOf(SERVICE_NAME);

/**
 * Ends a run that the executor will not finish, in the caller's transaction, with `pipelinerun.finished`:
 * one the engine could not run (`error`), or one cancelled before it started (`cancel`). What was under
 * way ends in `error`, what had not started is skipped, environments are asked to go: nothing of a
 * finished run stays open.
 */
export async function finishUnexecutedRun(
  manager: EntityManager,
  deps: { outbox: OutboxWriter; environments: EnvironmentService },
  run: Run,
  outcome: 'error' | 'cancel',
  errors: string,
): Promise<void> {
  const finishedAt = new Date();
  const startedAt = run.startedAt ?? run.createdAt;
  const durationMs = Math.max(0, finishedAt.getTime() - startedAt.getTime());
  await deps.environments.requestDestroyAll(manager, run.id, 'run finished');
  const interrupted = { status: 'error' as const, errors: 'interrupted by an engine error', finishedAt };
  await manager.update(TaskRun, { runId: run.id, status: In(['running', 'retrying']) }, interrupted);
  await manager.update(StageRun, { runId: run.id, status: In(['running', 'waiting-approval']) }, interrupted);
  await manager.update(TaskRun, { runId: run.id, status: 'pending' }, { status: 'skipped' });
  await manager.update(StageRun, { runId: run.id, status: 'pending' }, { status: 'skipped' });
  await manager.update(Run, run.id, { status: outcome, errors, finishedAt, durationMs });
  await deps.outbox.publish(
    manager,
    PipelineRunFinished,
    newCDEvent(
      PIPELINE_RUN_FINISHED,
      SOURCE,
      { id: run.id, content: { pipelineName: run.pipelineName, outcome, errors } },
      {
        component: run.component,
        team: run.team,
        solution: run.solution,
        ...(run.version !== null ? { version: run.version } : {}),
        durationMs,
      },
    ),
  );
}
