// Telemetry first: it must patch modules before anything else loads them.
import { telemetry } from './instrument';
import { bootstrapService, loadConfig } from '@pipewright/service-runtime';
import { AppModule } from './app.module';
import { envSchema, SERVICE_NAME } from './config/env';

const config = loadConfig(envSchema);

void bootstrapService({
  serviceName: SERVICE_NAME,
  module: AppModule.forRoot(config),
  port: config.PORT,
  host: config.HOST,
  onShutdown: () => telemetry.shutdown(),
});
