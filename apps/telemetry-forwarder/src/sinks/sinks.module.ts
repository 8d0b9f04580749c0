import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { ForwarderConfig, SinkName } from '../config/env';
import { MetricsController } from './metrics.controller';
import { NdjsonFileSink } from './ndjson-file.sink';
import { PrometheusSink } from './prometheus.sink';
import { TELEMETRY_SINKS, type TelemetrySink } from './telemetry-sink';

type SinkConfig = Pick<ForwarderConfig, 'FORWARDER_SINKS' | 'FORWARDER_NDJSON_PATH'>;

/** A Record, so a new sink name does not compile until it has a provider. */
const sinkProviders: Record<
  SinkName,
  (config: SinkConfig) => Provider & { provide: abstract new (...args: never[]) => TelemetrySink }
> = {
  ndjson: (config) => ({ provide: NdjsonFileSink, useFactory: () => new NdjsonFileSink(config.FORWARDER_NDJSON_PATH) }),
  prometheus: () => ({ provide: PrometheusSink, useFactory: () => new PrometheusSink() }),
};

/** The sinks FORWARDER_SINKS enables, as `TELEMETRY_SINKS` for every feature; `/metrics` only with Prometheus. */
@Module({})
export class SinksModule {
  static forRoot(config: SinkConfig): DynamicModule {
    const providers = config.FORWARDER_SINKS.map((name) => sinkProviders[name](config));
    return {
      module: SinksModule,
      global: true,
      controllers: config.FORWARDER_SINKS.includes('prometheus') ? [MetricsController] : [],
      providers: [
        ...providers,
        {
          provide: TELEMETRY_SINKS,
          useFactory: (...sinks: TelemetrySink[]) => sinks,
          inject: providers.map((provider) => provider.provide),
        },
      ],
      exports: [TELEMETRY_SINKS],
    };
  }
}
