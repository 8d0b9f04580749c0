import { EventBusTables1763800000000, eventBusEntities } from '@pipewright/event-bus';
import {
  DEFAULT_DATABASE_URL,
  serviceDataSourceOptions,
  type PostgresDataSourceOptions,
} from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { EnvironmentResource } from '../environments/environment-resource.entity';
import { Environment } from '../environments/environment.entity';
import { CreateEnvironments1763900000000 } from './migrations/create-environments.migration';

export const SCHEMA = 'provisioner';

/** The service's one DataSource definition: Nest opens it (see AppModule), the TypeORM CLI uses the default export. */
export function dataSourceOptions(url: string): PostgresDataSourceOptions {
  return serviceDataSourceOptions({
    url,
    schema: SCHEMA,
    entities: [...eventBusEntities, Environment, EnvironmentResource],
    migrations: [EventBusTables1763800000000, CreateEnvironments1763900000000],
  });
}

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
