import { Injectable, Logger } from '@nestjs/common';
import { OutboxWriter } from '@pipewright/event-bus';
import { assertTeamAccess, type Caller } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { EnvironmentService } from '../environments/environment.service';
import { finishUnexecutedRun } from '../execution/finish-unexecuted-run';
import { cancellationText, RunCancelRequests } from '../execution/run-cancel-requests';
import { Run } from '../runs/run.entity';
import { isFinished } from '../runs/run-status';
import { RunNotFound } from '../runs/run.errors';
import { RunAlreadyFinished } from './cancellation.errors';
import type { CancelRunDto } from './cancel-run.dto';

/**
 * Cancelling runs through the API. A run that has not started ends `cancel` at once; a running one is
 * cancelled by the instance executing it, wherever that is (see RunCancelRequests): its tasks are
 * killed, its `last` sections and `if: cancelled()` tasks still run, and it ends `cancel`. The request
 * is kept on the run, so an instance that takes the run over later cancels it too.
 */
@Injectable()
export class RunCancellationService {
  private readonly logger = new Logger(RunCancellationService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly environments: EnvironmentService,
    private readonly requests: RunCancelRequests,
  ) {}

  /** Asks to cancel the run; asking again changes nothing (the first request stands). */
  async cancel(runId: string, request: { by?: string; reason?: string }, caller: Caller): Promise<CancelRunDto> {
    return this.dataSource.transaction(async (manager) => {
      // Locked: the run cannot start (take its lease) or finish while the request is recorded.
      const run = await manager.findOne(Run, { where: { id: runId }, lock: { mode: 'pessimistic_write' } });
      if (!run) throw new RunNotFound(runId);
      assertTeamAccess(caller, run.team);
      if (isFinished(run.status)) throw new RunAlreadyFinished(runId, run.status);
      if (run.cancelRequestedAt === null) {
        run.cancelRequestedAt = new Date();
        run.cancelRequestedBy = request.by ?? null;
        run.cancelReason = request.reason ?? null;
        await manager.update(Run, runId, {
          cancelRequestedAt: run.cancelRequestedAt,
          cancelRequestedBy: run.cancelRequestedBy,
          cancelReason: run.cancelReason,
        });
        this.logger.log({ runId, by: run.cancelRequestedBy, status: run.status }, 'run cancel requested');
      }
      if (run.status === 'queued') {
        // Nobody executes a queued run (starting it takes the row lock held here): it ends now.
        await finishUnexecutedRun(
          manager,
          { outbox: this.outbox, environments: this.environments },
          run,
          'cancel',
          cancellationText(run),
        );
        run.status = 'cancel';
      } else await this.requests.notify(manager, runId);
      return {
        id: run.id,
        status: run.status,
        cancelRequestedAt: run.cancelRequestedAt.toISOString(),
        cancelRequestedBy: run.cancelRequestedBy,
        cancelReason: run.cancelReason,
      };
    });
  }
}
