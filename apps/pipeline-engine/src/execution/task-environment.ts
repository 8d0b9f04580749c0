import { envSchema } from '../config/env';

/** The engine's own configuration (its database URL, brokers, port...) is none of a task's business. */
const ENGINE_VARIABLES = new Set(Object.keys(envSchema.shape));

export interface TaskEnvironmentInput {
  /** The engine's environment (process.env). */
  inherited: Readonly<Record<string, string | undefined>>;
  /** The task's `env` from the pipeline definition. */
  task: Readonly<Record<string, string>>;
  runId: string;
  version: string;
  component: string;
  /** URL of the stage's environment, when the stage has one. */
  environmentUrl?: string | undefined;
}

/**
 * The environment a task process gets: the engine's environment without the engine's own
 * configuration, the task's variables over it, and the run's facts (`PIPEWRIGHT_*`) over both.
 */
export function taskEnvironment(input: TaskEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.inherited)) {
    if (value !== undefined && !ENGINE_VARIABLES.has(name)) env[name] = value;
  }
  Object.assign(env, input.task, {
    PIPEWRIGHT_RUN_ID: input.runId,
    PIPEWRIGHT_VERSION: input.version,
    PIPEWRIGHT_COMPONENT: input.component,
  });
  if (input.environmentUrl !== undefined) env.PIPEWRIGHT_ENV_URL = input.environmentUrl;
  return env;
}
