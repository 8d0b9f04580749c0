// Telemetry first: it must patch modules before anything else loads them.
import { telemetry } from './instrument';
import { bootstrapService, loadConfig } from '@pipewright/service-runtime';
import { AppModule } from './app.module';
import { envSchema, SERVICE_NAME } from './config/env';
import { loadPriceCatalog } from './prices/price-catalog';
import { formatProblem, PriceCatalogInvalid } from './prices/price-catalog.errors';

async function main(): Promise<void> {
  const config = loadConfig(envSchema);
  // Validated before anything connects, like the config: a bad catalog stops the service with where it is wrong.
  const catalog = await loadPriceCatalog(config.COST_PRICE_CATALOG).catch((error: unknown) => {
    if (!(error instanceof PriceCatalogInvalid)) throw error;
    for (const problem of error.details) process.stderr.write(`price catalog: ${formatProblem(problem)}\n`);
    process.exit(1);
  });

  await bootstrapService({
    serviceName: SERVICE_NAME,
    module: AppModule.forRoot(config, catalog),
    port: config.PORT,
    host: config.HOST,
    onShutdown: () => telemetry.shutdown(),
  });
}

void main();
