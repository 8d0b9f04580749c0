import type { DataSourceOptions } from 'typeorm';

export type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export interface ServiceDataSourceConfig {
  /** `postgres://user:pass@host:5432/db` */
  readonly url: string;
  /** The service's own schema (`engine`, `builddata`, ...): tables, and the migrations table, live there. */
  readonly schema: string;
  readonly entities: NonNullable<PostgresDataSourceOptions['entities']>;
  readonly migrations: NonNullable<PostgresDataSourceOptions['migrations']>;
  /** Shown in pg_stat_activity; defaults to the schema. */
  readonly applicationName?: string;
  readonly logging?: PostgresDataSourceOptions['logging'];
}

/**
 * Options for the one DataSource of a service, shared by Nest (`TypeOrmModule`) and the TypeORM CLI.
 * Migrations never run implicitly (use `runMigrations`), nothing is synchronized, and every connection's
 * `search_path` starts with the schema, so raw SQL in migrations may leave table names unqualified.
 */
export function serviceDataSourceOptions(config: ServiceDataSourceConfig): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: config.entities,
    migrations: config.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: config.applicationName ?? config.schema,
    logging: config.logging ?? false,
    extra: { options: `-c search_path=${searchPathValue(config.schema)},public` },
  };
}

function searchPathValue(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`serviceDataSourceOptions: schema must be a lower-case SQL identifier, got "${schema}"`);
  }
  return schema;
}
