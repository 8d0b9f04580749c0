// Must stay the first import: telemetry has to start before anything it instruments is loaded.
import { telemetry } from './instrument';
import { bootstrapService, loadConfig } from '@pipewright/service-runtime';
import { AppModule } from './app.module';
import { SERVICE_NAME, envSchema } from './config/env';

const config = loadConfig(envSchema);

void bootstrapService({
  serviceName: SERVICE_NAME,
  module: AppModule.forRoot(config),
  port: config.PORT,
  host: config.HOST,
  onShutdown: () => telemetry.shutdown(),
});
