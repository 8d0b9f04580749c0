import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const envSchema = baseServiceEnv({ port: 3003 }).extend({
  /** Where the local-process driver writes each environment's stdout/stderr. */
  PROVISIONER_LOG_DIR: z
    .string()
    .min(1)
    .default(join(tmpdir(), 'pipewright-environments'))
    .transform((dir) => resolve(dir)),
  /** How long a destroyed process group gets between SIGTERM and SIGKILL. */
  PROVISIONER_STOP_GRACE_SECONDS: z.coerce.number().positive().max(300).default(10),
});

export type ProvisionerConfig = z.output<typeof envSchema>;
