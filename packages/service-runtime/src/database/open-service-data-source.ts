import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensureDatabaseExists } from './ensure-database-exists';
import { runMigrations } from './run-migrations';

/**
 * Start-up in one call: create the database if missing, connect, migrate. Fits TypeOrmModule's
 * `dataSourceFactory`, so nothing touches the database before its migrations have run.
 */
export async function openServiceDataSource(options: DataSourceOptions): Promise<DataSource> {
  if (options.type !== 'postgres' || !options.url) {
    throw new Error('openServiceDataSource: expected postgres options with a url (use serviceDataSourceOptions)');
  }
  await ensureDatabaseExists(options.url);
  const dataSource = await new DataSource(options).initialize();
  try {
    await runMigrations(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
