import { envSchema } from '../config/env';

/** The engine's own configuration (its database URL, brokers, port...) is none of a task's business. */
const ENGINE_VARIABLES = new Set(Object.keys(envSchema.shape));

/**
 * The base environment of every task: the engine's environment without the engine's own
 * configuration. engine-core puts the task's `env` and the run's `PIPEWRIGHT_*` facts over it.
 */
export function taskBaseEnvironment(inherited: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value !== undefined && !ENGINE_VARIABLES.has(name)) env[name] = value;
  }
  return env;
}
