import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { EventsModule } from '../events/events.module';
import { VersionsModule } from '../versions/versions.module';
import { RunEventsConsumer } from './run-events.consumer';
import { Run } from './run.entity';
import { RunService } from './run.service';
import { RunsController } from './runs.controller';
import { TaskRun } from './task-run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Run, TaskRun]), EventsModule, ComponentsModule, VersionsModule],
  controllers: [RunsController],
  providers: [RunService, RunEventsConsumer],
})
export class RunsModule {}
