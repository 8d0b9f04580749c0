import { startRunRequestSchema, type StartRunRequest } from '@pipewright/contracts';
import { pipelineGraphSchema } from '@pipewright/pipeline-spec';
import { ValidationError } from '@pipewright/service-runtime';
import { z } from 'zod';

const absolutePath = z.string().startsWith('/', 'must be an absolute path');

/**
 * `POST /runs` with the pipeline as its repository has it: the pipewright.yml text, or nothing (the
 * engine reads `<workspace>/pipewright.yml`), or a graph already resolved by pipeline-spec (the CLI's
 * `pipewright trigger`). `inputs` win over the file's inputs (or the graph's resolved values).
 */
export const startRunFromSourceSchema = z
  .strictObject({
    /** Absolute path of the checked-out repository on the engine's host; tasks run there. */
    workspace: absolutePath,
    revision: z.string().min(1).optional(),
    inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    pipelineYaml: z.string().min(1).optional(),
    graph: pipelineGraphSchema.optional(),
  })
  .refine((body) => body.pipelineYaml === undefined || body.graph === undefined, {
    path: ['graph'],
    message: 'give either "pipelineYaml" or "graph", not both',
  });
export type StartRunFromSource = z.output<typeof startRunFromSourceSchema>;

/** The two shapes `POST /runs` accepts: the contracts' inline pipeline, or the pipeline as source. */
export type StartRunBody =
  { kind: 'inline'; request: StartRunRequest } | { kind: 'source'; request: StartRunFromSource };

/** Keys only the inline shape has: a body with any of them is validated as an inline pipeline. */
const INLINE_KEYS = ['pipeline', 'component', 'team', 'solution'];

/** Picks the shape by its keys and validates it; a bad body throws a 400 ValidationError naming each field. */
export function parseStartRunBody(body: unknown): StartRunBody {
  const inline = typeof body === 'object' && body !== null && INLINE_KEYS.some((key) => key in body);
  if (inline) return { kind: 'inline', request: validate(startRunRequestSchema, body) };
  return { kind: 'source', request: validate(startRunFromSourceSchema, body) };
}

function validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ValidationError(
    'request body',
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
