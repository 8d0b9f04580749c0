import { z } from 'zod';
import { nameSchema } from '../common';
import { defineMessage } from '../envelope/message-definition';
import { Topics } from '../topics';

export const PROVISION_ENVIRONMENT = 'dev.pipewright.command.provision-environment.0.1.0';
export const DESTROY_ENVIRONMENT = 'dev.pipewright.command.destroy-environment.0.1.0';

/** What a `local-process` environment runs: one command, reachable on a free port. */
export const localProcessSpecSchema = z.object({
  driver: z.literal('local-process'),
  /** Shell command; it must listen on $PORT. */
  command: z.string().min(1),
  cwd: z.string().min(1).optional(),
  /** Path polled on http://127.0.0.1:$PORT until it answers 2xx. */
  healthPath: z.string().startsWith('/').default('/'),
  readyTimeoutSeconds: z.number().int().positive().max(600).default(60),
  env: z.record(z.string(), z.string()).default({}),
});
export type LocalProcessSpec = z.infer<typeof localProcessSpecSchema>;

export const provisionEnvironmentSchema = z.object({
  environmentId: z.string().min(1),
  /** Ephemeral environments belong to one run and are destroyed after it. */
  runId: z.string().min(1).optional(),
  name: nameSchema,
  lifetime: z.enum(['ephemeral', 'long-lived']),
  component: nameSchema,
  team: nameSchema,
  solution: nameSchema,
  size: nameSchema.default('small'),
  spec: z.discriminatedUnion('driver', [localProcessSpecSchema]),
});
export type ProvisionEnvironment = z.infer<typeof provisionEnvironmentSchema>;

export const destroyEnvironmentSchema = z.object({
  environmentId: z.string().min(1),
  runId: z.string().min(1).optional(),
  reason: z.string().min(1),
});
export type DestroyEnvironment = z.infer<typeof destroyEnvironmentSchema>;

const byRunOrEnvironment = (c: { environmentId: string; runId?: string | undefined }) => c.runId ?? c.environmentId;

export const ProvisionEnvironment = defineMessage({
  type: PROVISION_ENVIRONMENT,
  topic: Topics.commands('environment-provisioner'),
  schema: provisionEnvironmentSchema,
  key: byRunOrEnvironment,
  subject: (c) => c.environmentId,
});
export const DestroyEnvironment = defineMessage({
  type: DESTROY_ENVIRONMENT,
  topic: Topics.commands('environment-provisioner'),
  schema: destroyEnvironmentSchema,
  key: byRunOrEnvironment,
  subject: (c) => c.environmentId,
});
