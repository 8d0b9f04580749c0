import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { openServiceDataSource } from './open-service-data-source';
import type { PostgresDataSourceOptions } from './service-data-source-options';

/**
 * `TypeOrmModule.forRoot` for a service: the database is created if missing and migrated (under the
 * advisory lock) before any provider gets the DataSource. Use `TypeOrmModule.forFeature` as usual.
 * An unreachable database is retried 5 times, 1 s apart, then start-up fails.
 */
export class DatabaseModule {
  static forRoot(options: PostgresDataSourceOptions): DynamicModule {
    return TypeOrmModule.forRootAsync({
      useFactory: () => ({ retryAttempts: 5, retryDelay: 1_000, ...options }),
      dataSourceFactory: (resolved) => openServiceDataSource(resolved ?? options),
    });
  }
}
