import { EventBusTables1763800000000, eventBusEntities } from '@pipewright/event-bus';
import {
  DEFAULT_DATABASE_URL,
  serviceDataSourceOptions,
  type PostgresDataSourceOptions,
} from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { Component } from '../components/component.entity';
import { EventLogEntry } from '../events/event-log-entry.entity';
import { Run } from '../runs/run.entity';
import { TaskRun } from '../runs/task-run.entity';
import { VersionCounter } from '../versions/version-counter.entity';
import { Version } from '../versions/version.entity';
import { Artifact } from '../artifacts/artifact.entity';
import { Deployment } from '../deployments/deployment.entity';
import { Incident } from '../deployments/incident.entity';
import { Promotion } from '../promotions/promotion.entity';
import { Subscription } from '../subscriptions/subscription.entity';
import { WebhookDeliveryAttempt } from '../subscriptions/webhook-delivery-attempt.entity';
import { WebhookDelivery } from '../subscriptions/webhook-delivery.entity';
import { TestCase } from '../test-reports/test-case.entity';
import { TestReport } from '../test-reports/test-report.entity';
import { TestSuite } from '../test-reports/test-suite.entity';
import { DeploymentsAndIncidents1763830200000 } from './migrations/1763830200000-deployments-and-incidents.migration';
import { Subscriptions1763830400000 } from './migrations/1763830400000-subscriptions.migration';
import { Promotions1763830300000 } from './migrations/1763830300000-promotions.migration';
import { Artifacts1763830100000 } from './migrations/1763830100000-artifacts.migration';
import { TestReports1763830000000 } from './migrations/1763830000000-test-reports.migration';
import { RunsAndVersions1763812000000 } from './migrations/1763812000000-runs-and-versions.migration';
import { SemverComponents1763820000000 } from './migrations/1763820000000-semver-components.migration';
import { RunHistory1763820100000 } from './migrations/1763820100000-run-history.migration';
import { EventLogQueries1763820200000 } from './migrations/1763820200000-event-log-queries.migration';
import { IngestCommitOrder1763840000000 } from './migrations/1763840000000-ingest-commit-order.migration';
import { VersionsRequestedBy1763850000000 } from './migrations/1763850000000-versions-requested-by.migration';
import { TestReportsReruns1763850100000 } from './migrations/1763850100000-test-reports-reruns.migration';
import { DeploymentsAndIncidentsLists1763850200000 } from './migrations/1763850200000-deployments-and-incidents-lists.migration';
import { PromotionsPath1763850300000 } from './migrations/1763850300000-promotions-path.migration';
import { StagesDerivedWhenRead1763860000000 } from './migrations/1763860000000-stages-derived-when-read.migration';
import { EventSeqBlocks1763860100000 } from './migrations/1763860100000-event-seq-blocks.migration';
import { EventLogAppendCost1763860200000 } from './migrations/1763860200000-event-log-append-cost.migration';
import { DeliveryEventsIngested1763860300000 } from './migrations/1763860300000-delivery-events-ingested.migration';
import { EventKeysCompareBytes1763860400000 } from './migrations/1763860400000-event-keys-compare-bytes.migration';
import { RunKeysCompareBytes1763860500000 } from './migrations/1763860500000-run-keys-compare-bytes.migration';
import { EventsNotifyFromTheAppend1763860600000 } from './migrations/1763860600000-events-notify-from-the-append.migration';
import { RoomForRunUpdates1763860700000 } from './migrations/1763860700000-room-for-run-updates.migration';
import { EventFiltersByHash1763860800000 } from './migrations/1763860800000-event-filters-by-hash.migration';

export const SCHEMA = 'builddata';

/** The service's one DataSource definition: Nest opens it (app.module.ts), the TypeORM CLI reads the default export. */
export function dataSourceOptions(url: string): PostgresDataSourceOptions {
  return serviceDataSourceOptions({
    url,
    schema: SCHEMA,
    applicationName: 'build-data-repository',
    entities: [
      ...eventBusEntities,
      Component,
      VersionCounter,
      Version,
      Run,
      TaskRun,
      EventLogEntry,
      TestReport,
      TestSuite,
      TestCase,
      Artifact,
      Deployment,
      Incident,
      Promotion,
      Subscription,
      WebhookDelivery,
      WebhookDeliveryAttempt,
    ],
    migrations: [
      EventBusTables1763800000000,
      RunsAndVersions1763812000000,
      SemverComponents1763820000000,
      RunHistory1763820100000,
      EventLogQueries1763820200000,
      TestReports1763830000000,
      Artifacts1763830100000,
      DeploymentsAndIncidents1763830200000,
      Promotions1763830300000,
      Subscriptions1763830400000,
      IngestCommitOrder1763840000000,
      VersionsRequestedBy1763850000000,
      TestReportsReruns1763850100000,
      DeploymentsAndIncidentsLists1763850200000,
      PromotionsPath1763850300000,
      StagesDerivedWhenRead1763860000000,
      EventSeqBlocks1763860100000,
      EventLogAppendCost1763860200000,
      DeliveryEventsIngested1763860300000,
      EventKeysCompareBytes1763860400000,
      RunKeysCompareBytes1763860500000,
      EventsNotifyFromTheAppend1763860600000,
      RoomForRunUpdates1763860700000,
      EventFiltersByHash1763860800000,
    ],
  });
}

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
