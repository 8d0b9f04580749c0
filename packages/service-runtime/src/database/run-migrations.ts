import { escapeIdentifier } from 'pg';
import { type DataSource, MigrationExecutor } from 'typeorm';

/**
 * Creates the DataSource's schema if needed and runs its pending migrations, holding a Postgres advisory
 * lock (per schema) so instances starting together take turns; the later ones find nothing to do.
 * The DataSource must be initialized. Resolves to the names of the migrations this call ran.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = 'schema' in dataSource.options ? dataSource.options.schema : undefined;
  if (!schema) throw new Error('runMigrations: the DataSource has no schema (use serviceDataSourceOptions)');
  const lockKey = `pipewright:migrations:${schema}`;

  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = dataSource.options.migrationsTransactionMode ?? 'all';
      const executed = await executor.executePendingMigrations();
      return executed.map((migration) => migration.name);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    await queryRunner.release();
  }
}
