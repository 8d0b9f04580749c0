import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { ExecutionModule } from '../execution/execution.module';
import { RunEventsConsumer } from './run-events.consumer';
import { RunListService } from './run-list.service';
import { Run } from './run.entity';
import { RunService } from './run.service';
import { RunsController } from './runs.controller';
import { StageRun } from './stage-run.entity';
import { TaskRun } from './task-run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Run, StageRun, TaskRun]), EnvironmentsModule, ExecutionModule],
  controllers: [RunsController],
  providers: [RunService, RunListService, RunEventsConsumer],
  exports: [RunService],
})
export class RunsModule {}
