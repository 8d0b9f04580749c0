import { Module } from '@nestjs/common';
import { RunEventsConsumer } from './run-events.consumer';
import { RunMetricsService } from './run-metrics.service';

@Module({ providers: [RunMetricsService, RunEventsConsumer] })
export class RunsModule {}
