import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { baseServiceEnv } from '@pipewright/service-runtime';
import { z } from 'zod';

export const SERVICE_NAME = 'pipeline-engine';
export const SCHEMA = 'engine';

export const envSchema = baseServiceEnv({ port: 3001 }).extend({
  /**
   * This instance's name on the runs it executes (their lease). Instances sharing a database need distinct
   * ones; an instance that restarts under the same id takes its runs back at once instead of waiting for
   * their leases to expire. Default: the host name and a random suffix (a new id per start).
   */
  PIPEWRIGHT_ENGINE_INSTANCE_ID: z
    .string()
    .trim()
    .min(1, 'expected a non-empty instance id')
    .max(200)
    .default(() => `${hostname()}-${randomBytes(4).toString('hex')}`),
  /**
   * How long a run stays with its instance without a heartbeat (renewed every third of it): after an
   * instance dies, another takes its runs over within about this long.
   */
  PIPEWRIGHT_ENGINE_LEASE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(15),
  /** How long a stage waits for its environment to be created (counted from the request) before the stage errors. */
  PIPEWRIGHT_ENGINE_ENVIRONMENT_TIMEOUT_SECONDS: z.coerce.number().int().positive().max(86_400).default(120),
  /**
   * Tasks with a `pool` wait for a `pipewright worker` of that pool. An assignment no worker accepted within
   * this long is logged as waiting; it keeps waiting until the task's timeout, when the task fails.
   */
  PIPEWRIGHT_ENGINE_WORKER_ACCEPT_SECONDS: z.coerce.number().int().positive().max(86_400).default(60),
  /**
   * A worker that accepted a task sends a heartbeat every third of this; after this long without one the
   * worker is taken for lost: an idempotent task is assigned again, any other task fails.
   */
  PIPEWRIGHT_ENGINE_WORKER_LEASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** Stages of one run that run at the same time (a stage waiting for approval does not count). */
  PIPEWRIGHT_ENGINE_STAGE_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /**
   * The platform's flavour folders (comma-separated absolute paths), searched after a repository's own
   * `.pipewright/flavours` when a pipewright.yml names a flavour.
   */
  PIPEWRIGHT_FLAVOURS_DIRS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(z.array(z.string().startsWith('/', 'expected absolute paths, comma-separated'))),
  /**
   * Lines of each task run's output kept in the database for `GET /runs/:id/logs` (the last ones; the
   * whole output goes to the logs topic). 0 keeps none.
   */
  PIPEWRIGHT_ENGINE_LOG_TAIL_LINES: z.coerce.number().int().min(0).max(100_000).default(1_000),
  /**
   * The bearer tokens file (YAML, see the README): when set, every route but health and the git webhook
   * needs `Authorization: Bearer <token>`; unset, the API is open (a laptop), with a warning at start.
   */
  PIPEWRIGHT_TOKENS_FILE: z.string().min(1).optional(),
});

export type EngineConfig = z.output<typeof envSchema>;
