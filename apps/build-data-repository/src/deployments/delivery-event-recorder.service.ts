import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ArtifactPublished,
  IncidentDetected,
  IncidentResolved,
  parseMessage,
  ServiceDeployed,
  ServiceRolledback,
  ServiceUpgraded,
  TestSuiteRunFinished,
  type MessageData,
  type MessageDefinition,
} from '@pipewright/contracts';
import type { BatchMessage } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { ArtifactService } from '../artifacts/artifact.service';
import { EventLogEntry } from '../events/event-log-entry.entity';
import { TestReportService } from '../test-reports/test-report.service';
import { DeploymentService } from './deployment.service';

interface Route {
  definition: MessageDefinition;
  record: (manager: EntityManager, data: unknown) => Promise<void>;
}

/** Which feature records which event type; `data` was validated against the type's contract. */
function route<D extends MessageDefinition>(
  definition: D,
  record: (manager: EntityManager, data: MessageData<D>) => Promise<void>,
): [string, Route] {
  return [definition.type, { definition, record: (manager, data) => record(manager, data as MessageData<D>) }];
}

/** The consumer group that recorded delivery events before ingestion took them over. */
const RETIRED_CONSUMER = 'delivery-events';

/**
 * What happened to versions after they were built: test results, published artifacts, deployments and
 * incidents, each recorded by its feature's service, in the ingesting transaction of the batch that
 * brings them (IngestService), in partition order: a component's deployments and incidents, a run's test
 * results. Not a consumer group of its own: every group reads and decodes the whole topic, run events
 * included, and a second one cost ingestion a tenth of its CPU per event. Every recording takes repeats
 * (a report, a deployment, an artifact is stored once by its id; incidents merge), so a redelivered
 * message is recorded again rather than looked up first.
 */
@Injectable()
export class DeliveryEventRecorder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryEventRecorder.name);
  private readonly routes: ReadonlyMap<string, Route>;

  constructor(
    private readonly dataSource: DataSource,
    reports: TestReportService,
    artifacts: ArtifactService,
    deployments: DeploymentService,
  ) {
    this.routes = new Map([
      route(TestSuiteRunFinished, (manager, event) => reports.recordFinished(manager, event)),
      route(ArtifactPublished, (manager, event) => artifacts.recordPublished(manager, event)),
      route(ServiceDeployed, (manager, event) => deployments.recordDeployment(manager, 'deployed', event)),
      route(ServiceUpgraded, (manager, event) => deployments.recordDeployment(manager, 'upgraded', event)),
      route(ServiceRolledback, (manager, event) => deployments.recordDeployment(manager, 'rolledback', event)),
      route(IncidentDetected, (manager, event) => deployments.recordIncidentDetected(manager, event)),
      route(IncidentResolved, (manager, event) => deployments.recordIncidentResolved(manager, event)),
    ]);
  }

  /** Records the delivery events among `messages` (validated), in their order; other types pass by. */
  async record(manager: EntityManager, messages: readonly BatchMessage[]) {
    for (const message of messages) await this.routes.get(message.attributes.type)?.record(manager, message.data);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.recordWhatTheRetiredConsumerMissed();
  }

  /**
   * Once, after the upgrade that retired the `delivery-events` consumer group: the delivery events the
   * event log held then (the DeliveryEventsIngested migration noted which) that the group had not recorded
   * yet, recorded from the log. Later events are recorded as they are ingested. One instance does it; the
   * others wait for it on the note's row lock and find nothing left to do.
   */
  async recordWhatTheRetiredConsumerMissed(): Promise<void> {
    const events = this.dataSource.getMetadata(EventLogEntry);
    const schema = events.schema ?? 'public';
    await this.dataSource.transaction(async (manager) => {
      const [note] = await manager.query<{ up_to_seq: string; received_since: Date }[]>(
        `SELECT up_to_seq, received_since FROM "${schema}".delivery_events_handover FOR UPDATE`,
      );
      if (!note) return;
      const types = [...this.routes.keys()];
      // Types are indexed by their hash (the event-filters-by-hash migration): given as values, the planner
      // reads that index.
      const [{ hashes }] = await manager.query<[{ hashes: number[] }]>(
        `SELECT array_agg(hashtext(type)) AS hashes FROM unnest($1::text[]) type`,
        [types],
      );
      const missed = await manager.query<{ type: string; payload: string }[]>(
        `SELECT type, payload FROM ${events.tablePath} event
         WHERE hashtext(type) = ANY($5::integer[]) AND type = ANY($1::text[]) AND seq <= $2 AND received_at >= $4
           AND NOT EXISTS (SELECT 1 FROM "${schema}".processed_messages processed
                           WHERE processed.consumer = $3 AND processed.message_id = event.id)
         ORDER BY seq`,
        [types, note.up_to_seq, RETIRED_CONSUMER, note.received_since, hashes],
      );
      for (const { type, payload } of missed) {
        const route = this.routes.get(type)!;
        await route.record(manager, parseMessage(route.definition, JSON.parse(payload)));
      }
      await manager.query(`DELETE FROM "${schema}".delivery_events_handover`);
      if (missed.length > 0)
        this.logger.log({ recorded: missed.length }, 'recorded the delivery events the retired consumer had not');
    });
  }
}
