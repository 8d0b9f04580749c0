import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module';
import { EventsModule } from '../events/events.module';
import { RunsModule } from '../runs/runs.module';
import { CDEventsIngestConsumer } from './cdevents-ingest.consumer';
import { IngestService } from './ingest.service';

@Module({
  imports: [RunsModule, EventsModule, DeploymentsModule],
  providers: [IngestService, CDEventsIngestConsumer],
})
export class IngestionModule {}
