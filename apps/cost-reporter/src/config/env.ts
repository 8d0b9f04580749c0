import { resolve } from 'node:path';
import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'cost-reporter';
export const SCHEMA = 'cost';

/** The catalog shipped at the package root; `src/config` and `dist/config` are both two levels below it. */
export const DEFAULT_PRICE_CATALOG = resolve(__dirname, '..', '..', 'price-catalog.yml');

export const envSchema = baseServiceEnv({ port: 3005 }).extend({
  /** YAML price catalog: `currency` and `prices.<type>.<size>` per hour. */
  COST_PRICE_CATALOG: z.string().min(1).default(DEFAULT_PRICE_CATALOG),
});

export type CostReporterConfig = z.output<typeof envSchema>;
