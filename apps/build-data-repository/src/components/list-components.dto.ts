import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { cursorSchema, limitSchema, pageSchema } from '../pagination/cursor';
import { componentSchema } from './component.dto';

/** `GET /components`: by name, filtered by owner. */
export const listComponentsQuerySchema = z.strictObject({
  team: nameSchema.optional(),
  solution: nameSchema.optional(),
  limit: limitSchema,
  cursor: cursorSchema(z.tuple([z.string()])).optional(),
});
export type ListComponentsQuery = z.output<typeof listComponentsQuerySchema>;

export const componentPageSchema = pageSchema(componentSchema);
