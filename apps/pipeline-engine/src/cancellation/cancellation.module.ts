import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module';
import { ExecutionModule } from '../execution/execution.module';
import { RunCancellationController } from './run-cancellation.controller';
import { RunCancellationService } from './run-cancellation.service';

@Module({
  imports: [EnvironmentsModule, ExecutionModule],
  controllers: [RunCancellationController],
  providers: [RunCancellationService],
})
export class CancellationModule {}
