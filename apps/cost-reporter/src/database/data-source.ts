import { EventBusTables1763800000000, eventBusEntities } from '@pipewright/event-bus';
import { DEFAULT_DATABASE_URL, serviceDataSourceOptions } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { SCHEMA, SERVICE_NAME } from '../config/env';
import { CostEnvironment } from '../resources/cost-environment.entity';
import { ResourceLifetime } from '../resources/resource-lifetime.entity';
import { ResourceLifetimes1763900500000 } from './migrations/resource-lifetimes.migration';

/** The one description of the cost reporter's database, for Nest (app.module) and the TypeORM CLI alike. */
export function costDataSourceOptions(url: string) {
  return serviceDataSourceOptions({
    url,
    schema: SCHEMA,
    applicationName: SERVICE_NAME,
    entities: [...eventBusEntities, ResourceLifetime, CostEnvironment],
    migrations: [EventBusTables1763800000000, ResourceLifetimes1763900500000],
  });
}

/** For the TypeORM CLI: `npx typeorm -d dist/database/data-source.js migration:show`. */
export default new DataSource(costDataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
