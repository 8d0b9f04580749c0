import { z } from 'zod';
import { ContractViolation } from '../envelope/contract-violation';
import { Topics } from '../topics';

export const POOL_NAME_RULE = 'use letters, digits, "_" and "-", starting with a letter or digit (at most 100)';

/** Pool names are part of a Kafka topic name, so they follow the task-name rule of pipewright.yml. */
export const poolNameSchema = z
  .string()
  .min(1, 'expected a pool name')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, POOL_NAME_RULE);

/** The topic a pool's workers take assignments from: `pipewright.tasks.<pool>`. Throws for a name that is not a pool name. */
export function tasksTopic(pool: string): `pipewright.tasks.${string}` {
  const result = poolNameSchema.safeParse(pool);
  if (!result.success) throw ContractViolation.fromZod(`pool name "${pool}"`, result.error);
  return Topics.tasks(result.data);
}
