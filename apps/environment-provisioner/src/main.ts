// First: telemetry must start before the modules it instruments are loaded.
import { telemetry } from './instrument';
import { bootstrapService, loadConfig } from '@pipewright/service-runtime';
import { AppModule } from './app.module';
import { envSchema } from './config/env';
import { SERVICE_NAME } from './config/service-name';

async function main(): Promise<void> {
  const config = loadConfig(envSchema);
  await bootstrapService({
    serviceName: SERVICE_NAME,
    module: AppModule.forRoot(config),
    port: config.PORT,
    host: config.HOST,
    onShutdown: () => telemetry.shutdown(),
  });
}

void main();
