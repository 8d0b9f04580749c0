import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { TestReportsModule } from '../test-reports/test-reports.module';
import { DeliveryEventsConsumer } from './delivery-events.consumer';
import { Deployment } from './deployment.entity';
import { DeploymentService } from './deployment.service';
import { Incident } from './incident.entity';

/**
 * Deployments and incidents as reported by CDEvents (read by promotions and DORA metrics), and the one
 * consumer of delivery events, which records test results and artifacts through their features too.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Deployment, Incident]), TestReportsModule, ArtifactsModule],
  providers: [DeploymentService, DeliveryEventsConsumer],
})
export class DeploymentsModule {}
