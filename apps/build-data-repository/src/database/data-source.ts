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
import { RunsAndVersions1763812000000 } from './migrations/1763812000000-runs-and-versions.migration';

export const SCHEMA = 'builddata';

/** The service's one DataSource definition: Nest opens it (app.module.ts), the TypeORM CLI reads the default export. */
export function dataSourceOptions(url: string): PostgresDataSourceOptions {
  return serviceDataSourceOptions({
    url,
    schema: SCHEMA,
    applicationName: 'build-data-repository',
    entities: [...eventBusEntities, Component, VersionCounter, Version, Run, TaskRun, EventLogEntry],
    migrations: [EventBusTables1763800000000, RunsAndVersions1763812000000],
  });
}

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
