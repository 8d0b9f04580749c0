import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ArtifactPublished,
  IncidentDetected,
  IncidentResolved,
  ServiceDeployed,
  ServiceRolledback,
  ServiceUpgraded,
  TestSuiteRunFinished,
  type MessageData,
  type MessageDefinition,
} from '@pipewright/contracts';
import { BatchEventConsumer, EventBus } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { TestReportService } from '../test-reports/test-report.service';
import { DeploymentService } from './deployment.service';

type Route = (manager: EntityManager, data: unknown) => Promise<void>;

/** Which feature records which event type; `data` was validated against the type's contract. */
function route<D extends MessageDefinition>(
  definition: D,
  record: (manager: EntityManager, data: MessageData<D>) => Promise<void>,
): [D, Route] {
  return [definition, (manager, data) => record(manager, data as MessageData<D>)];
}

/**
 * What happened to versions after they were built, from `pipewright.cdevents`: test results, published
 * artifacts, deployments and incidents, each recorded by its feature's service. One consumer group for
 * all four, not one per feature: every group reads and decodes the whole topic, run events included, so
 * each extra group costs CPU at the full ingest rate. A batch is applied in one transaction with the
 * record of its message ids, so redeliveries are skipped.
 */
@Injectable()
export class DeliveryEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchEventConsumer;

  constructor(
    bus: EventBus,
    dataSource: DataSource,
    reports: TestReportService,
    artifacts: ArtifactService,
    deployments: DeploymentService,
    @Inject(BUILD_DATA_CONFIG) config: BuildDataConfig,
  ) {
    const routes: [MessageDefinition, Route][] = [
      route(TestSuiteRunFinished, (manager, event) => reports.recordFinished(manager, event)),
      route(ArtifactPublished, (manager, event) => artifacts.recordPublished(manager, event)),
      route(ServiceDeployed, (manager, event) => deployments.recordDeployment(manager, 'deployed', event)),
      route(ServiceUpgraded, (manager, event) => deployments.recordDeployment(manager, 'upgraded', event)),
      route(ServiceRolledback, (manager, event) => deployments.recordDeployment(manager, 'rolledback', event)),
      route(IncidentDetected, (manager, event) => deployments.recordIncidentDetected(manager, event)),
      route(IncidentResolved, (manager, event) => deployments.recordIncidentResolved(manager, event)),
    ];
    const byType = new Map(routes.map(([definition, record]) => [definition.type, record]));
    this.consumer = new BatchEventConsumer({
      bus,
      dataSource,
      name: 'delivery-events',
      definitions: routes.map(([definition]) => definition),
      // In partition order: a component's deployments and incidents, a run's test results.
      handler: async (messages, { manager }) => {
        for (const message of messages) await byType.get(message.definition.type)?.(manager, message.data);
      },
      partitionsConsumedConcurrently: config.INGEST_CONCURRENCY,
    });
  }

  onApplicationBootstrap() {
    return this.consumer.start();
  }

  // Before the bus and the database close: a batch in flight finishes first.
  onModuleDestroy() {
    return this.consumer.stop();
  }
}
