import { EventBusTables1763800000000, eventBusEntities } from '@pipewright/event-bus';
import { DEFAULT_DATABASE_URL, serviceDataSourceOptions } from '@pipewright/service-runtime';
import { DataSource } from 'typeorm';
import { SCHEMA, SERVICE_NAME } from '../config/env';
import { LogCursor } from '../logs/log-cursor.entity';
import { LogCursors1763900400000 } from './migrations/log-cursors.migration';

/** The one description of the forwarder's database, for Nest (app.module) and the TypeORM CLI alike. */
export function forwarderDataSourceOptions(url: string) {
  return serviceDataSourceOptions({
    url,
    schema: SCHEMA,
    applicationName: SERVICE_NAME,
    entities: [...eventBusEntities, LogCursor],
    migrations: [EventBusTables1763800000000, LogCursors1763900400000],
  });
}

/** For the TypeORM CLI: `npx typeorm -d dist/database/data-source.js migration:show`. */
export default new DataSource(forwarderDataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL));
