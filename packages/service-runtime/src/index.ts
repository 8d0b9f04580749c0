import 'reflect-metadata';

export { ConfigError, type ConfigIssue } from './config/config-error';
export {
  formatYamlConfigProblem,
  parseYamlConfig,
  type YamlConfigProblem,
  type YamlConfigResult,
} from './config/yaml-config';
export { loadConfig, parseConfig, type Env } from './config/parse-config';
export {
  baseServiceEnv,
  envBoolean,
  envList,
  envPort,
  DEFAULT_DATABASE_URL,
  DEFAULT_KAFKA_BROKERS,
  LOG_LEVELS,
  type BaseServiceEnv,
  type LogLevel,
} from './config/service-env';

export { DomainError, type DomainErrorOptions } from './errors/domain-error';
export { ValidationError, type ValidationIssue } from './errors/validation-error';
export { type ErrorStatusMap, type ProblemDetails } from './errors/problem-details';
export { ProblemDetailsFilter } from './errors/problem-details.filter';

export { ZodBody, ZodParams, ZodQuery, ZodValidationPipe } from './http/zod-validation.pipe';
export { configureServiceApp, type ServiceAppOptions } from './http/configure-service-app';
export { bootstrapService, type BootstrapOptions } from './http/bootstrap-service';

export { type HealthCheck, type HealthReport, type HealthStatus } from './health/health-check';
export { HealthModule, type HealthModuleOptions } from './health/health.module';
export { postgresCheck } from './health/postgres.check';

export { ensureDatabaseExists } from './database/ensure-database-exists';
export {
  serviceDataSourceOptions,
  type PostgresDataSourceOptions,
  type ServiceDataSourceConfig,
} from './database/service-data-source-options';
export { runMigrations } from './database/run-migrations';
export { openServiceDataSource } from './database/open-service-data-source';
export { DatabaseModule } from './database/database.module';

export { createLogger } from './logging/create-logger';
export { LoggingModule, type LoggingModuleOptions } from './logging/logging.module';
export { platformModules, type PlatformModulesOptions } from './platform/platform-modules';

export { AuthModule, type AuthModuleOptions } from './auth/auth.module';
export { AdminRequired, TeamForbidden, TokensFileInvalid, Unauthenticated } from './auth/auth.errors';
export {
  actingName,
  assertAdmin,
  assertTeamAccess,
  CurrentCaller,
  mayActForTeam,
  OPEN_CALLER,
  visibleTeams,
  type Caller,
} from './auth/caller';
export { Public } from './auth/public.decorator';
export { hashToken, loadTokensFile, parseTokensFile, TokenRegistry, type TokenEntry } from './auth/token-file';
export { loadTokensOrExit } from './auth/load-tokens';
