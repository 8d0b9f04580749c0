import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { TestReportsModule } from '../test-reports/test-reports.module';
import { DeliveryEventRecorder } from './delivery-event-recorder.service';
import { DeliveryHistoryService } from './delivery-history.service';
import { Deployment } from './deployment.entity';
import { DeploymentService } from './deployment.service';
import { DeploymentsController } from './deployments.controller';
import { Incident } from './incident.entity';

/**
 * Deployments and incidents as reported by CDEvents (read by promotions and DORA metrics), and the recorder
 * of delivery events that ingestion hands them to, which records test results and artifacts through their
 * features too; `GET /deployments` and `GET /incidents` list them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Deployment, Incident]), TestReportsModule, ArtifactsModule],
  controllers: [DeploymentsController],
  providers: [DeploymentService, DeliveryEventRecorder, DeliveryHistoryService],
  exports: [DeliveryEventRecorder],
})
export class DeploymentsModule {}
