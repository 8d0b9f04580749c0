import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentEventsConsumer } from './environment-events.consumer';
import { EnvironmentService } from './environment.service';
import { LongLivedEnvironment } from './long-lived-environment.entity';
import { LongLivedEnvironmentService } from './long-lived-environment.service';
import { StageEnvironment } from './stage-environment.entity';

@Module({
  imports: [TypeOrmModule.forFeature([StageEnvironment, LongLivedEnvironment])],
  providers: [EnvironmentService, LongLivedEnvironmentService, EnvironmentEventsConsumer],
  exports: [EnvironmentService, LongLivedEnvironmentService],
})
export class EnvironmentsModule {}
