import type { DataSource } from 'typeorm';
import type { HealthCheck } from './health-check';

/** `SELECT 1` through the service's DataSource. */
export function postgresCheck(dataSource: DataSource): HealthCheck {
  return {
    name: 'postgres',
    check: async () => {
      await dataSource.query('SELECT 1');
    },
  };
}
