// Telemetry first: it must patch modules before anything else loads them.
import { telemetry } from './instrument';
import { bootstrapService, loadConfig, loadTokensOrExit } from '@pipewright/service-runtime';
import { AppModule } from './app.module';
import { envSchema, SERVICE_NAME } from './config/env';

const config = loadConfig(envSchema);
const tokens = loadTokensOrExit('PIPEWRIGHT_TOKENS_FILE', config.PIPEWRIGHT_TOKENS_FILE);

void bootstrapService({
  serviceName: SERVICE_NAME,
  module: AppModule.forRoot(config, tokens),
  port: config.PORT,
  host: config.HOST,
  onShutdown: () => telemetry.shutdown(),
});
