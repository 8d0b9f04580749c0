import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { VersionsModule } from '../versions/versions.module';
import { RunHistoryService } from './run-history.service';
import { RunRecorder } from './run-recorder.service';
import { Run } from './run.entity';
import { RunsController } from './runs.controller';
import { TaskRun } from './task-run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Run, TaskRun]), ComponentsModule, VersionsModule],
  controllers: [RunsController],
  providers: [RunRecorder, RunHistoryService],
  exports: [RunRecorder],
})
export class RunsModule {}
