import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { LogsModule } from '../logs/logs.module';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { RunCancelRequests } from './run-cancel-requests';
import { RunExecutor } from './run-executor.service';
import { RunLeases } from './run-leases';

@Module({
  imports: [TypeOrmModule.forFeature([Run, StageRun, TaskRun]), EnvironmentsModule, ApprovalsModule, LogsModule],
  providers: [RunExecutor, RunLeases, RunCancelRequests],
  exports: [RunExecutor, RunCancelRequests],
})
export class ExecutionModule {}
