import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentsModule } from '../environments/environments.module';
import { Run } from '../runs/run.entity';
import { RunsModule } from '../runs/runs.module';
import { StageRun } from '../runs/stage-run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { RerunController } from './rerun.controller';
import { RerunService } from './rerun.service';

@Module({
  imports: [TypeOrmModule.forFeature([Run, StageRun, TaskRun]), EnvironmentsModule, RunsModule],
  controllers: [RerunController],
  providers: [RerunService],
})
export class RerunsModule {}
