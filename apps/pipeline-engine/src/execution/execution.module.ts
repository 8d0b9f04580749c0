import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalsModule } from '../approvals/approvals.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { Run } from '../runs/run.entity';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { RunExecutor } from './run-executor.service';

@Module({
  imports: [TypeOrmModule.forFeature([Run, StageRun, TaskRun]), EnvironmentsModule, ApprovalsModule],
  providers: [RunExecutor],
  exports: [RunExecutor],
})
export class ExecutionModule {}
