import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { TaskAssignmentService } from './task-assignment.service';

/**
 * Every half lease, cancels the assignments nobody follows any more because their task run is over
 * (e.g. a task that was not idempotent failed when its run was resumed while a worker still ran it).
 * Every instance sweeps; giving an assignment up twice is a no-op.
 */
@Injectable()
export class AssignmentSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AssignmentSweep.name);
  private timer?: NodeJS.Timeout;
  private readonly intervalMs: number;

  constructor(
    private readonly assignments: TaskAssignmentService,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
  ) {
    this.intervalMs = Math.max(500, Math.floor((config.PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS * 1000) / 2));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const cancelled = await this.assignments.sweep();
      if (cancelled > 0) this.logger.log({ cancelled }, 'assignments of finished task runs cancelled');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not sweep the task assignments');
    }
  }
}
