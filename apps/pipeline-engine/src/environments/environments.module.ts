import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentEventsConsumer } from './environment-events.consumer';
import { EnvironmentService } from './environment.service';
import { StageEnvironment } from './stage-environment.entity';

@Module({
  imports: [TypeOrmModule.forFeature([StageEnvironment])],
  providers: [EnvironmentService, EnvironmentEventsConsumer],
  exports: [EnvironmentService],
})
export class EnvironmentsModule {}
