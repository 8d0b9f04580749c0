import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SCHEMA } from '../config/env';
import { SharedWakeups, type WakeupSubscription } from '../database/wakeups';
import type { CancelRequest } from './run-leases';

/**
 * Tells the instance executing a run that cancelling it was asked for. The request itself is on the
 * run's row (`cancel_requested_at`); this is the hint that makes it act at once. Should the hint be
 * lost, the lease heartbeat finds the request, and so does an instance taking the run over.
 */
@Injectable()
export class RunCancelRequests implements OnModuleInit, OnApplicationShutdown {
  private readonly wakeups: SharedWakeups;

  constructor(dataSource: DataSource) {
    this.wakeups = new SharedWakeups(dataSource, `${SCHEMA}_run_cancels`);
  }

  onModuleInit(): Promise<void> {
    return this.wakeups.listen();
  }

  onApplicationShutdown(): Promise<void> {
    return this.wakeups.close();
  }

  /** Wakes on a request to cancel `runId` (subscribe before reading the run, so none is missed). */
  subscribe(runId: string): WakeupSubscription {
    return this.wakeups.subscribe(runId);
  }

  /** Wakes every instance's watchers of `runId` once `manager`'s transaction commits. */
  notify(manager: EntityManager, runId: string): Promise<void> {
    return this.wakeups.notify(manager, runId);
  }
}

/** What a cancelled run says about it: `cancelled by alice: wrong branch`. */
export function cancellationText(run: CancelRequest): string {
  return `cancelled${run.cancelRequestedBy ? ` by ${run.cancelRequestedBy}` : ''}${run.cancelReason ? `: ${run.cancelReason}` : ''}`;
}
