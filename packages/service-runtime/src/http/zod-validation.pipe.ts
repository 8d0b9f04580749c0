import { type ArgumentMetadata, Body, Param, type PipeTransform, Query } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error';

const WHAT: Record<ArgumentMetadata['type'], string> = {
  body: 'request body',
  query: 'query parameters',
  param: 'path parameters',
  custom: 'input',
};

/**
 * Validates (and transforms) a request part with a zod schema; bad input throws a `ValidationError`
 * (400 problem listing each issue). `@Body(new ZodValidationPipe(startRunSchema)) body: StartRun`.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, Promise<z.output<S>>> {
  constructor(private readonly schema: S) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<z.output<S>> {
    const result = await this.schema.safeParseAsync(value);
    if (result.success) return result.data;
    throw new ValidationError(
      WHAT[metadata.type],
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
}

/** `@ZodBody(startRunSchema) body: StartRun` */
export const ZodBody = (schema: z.ZodType): ParameterDecorator => Body(new ZodValidationPipe(schema));

/** `@ZodQuery(listRunsQuery) query: ListRunsQuery` */
export const ZodQuery = (schema: z.ZodType): ParameterDecorator => Query(new ZodValidationPipe(schema));

/** `@ZodParams(z.object({ runId: z.uuid() })) params: { runId: string }` */
export const ZodParams = (schema: z.ZodType): ParameterDecorator => Param(new ZodValidationPipe(schema));
