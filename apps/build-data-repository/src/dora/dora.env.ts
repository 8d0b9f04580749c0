import { envList } from '@pipewright/service-runtime';

/** Environment variables of DORA metrics (part of the service's env schema, config/env.ts). */
export const doraEnv = {
  /**
   * The environments whose deployments and incidents DORA counts (comma-separated environment ids, as
   * deployment and incident events name them).
   */
  DORA_PRODUCTION_ENVIRONMENTS: envList('production,prod'),
};
