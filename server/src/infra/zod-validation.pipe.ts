// Validates a request body or query with a shared zod schema; failures become a 400 naming each field.
import { PipeTransform } from '@nestjs/common';
import { DomainError } from '@pumpwatch/shared';
import type { z } from 'zod';

export function fieldsOfZodIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): { field: string; message: string }[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));
}

export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  /** Public so the OpenAPI generator documents the very schema a route validates with. */
  constructor(readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const fields = fieldsOfZodIssues(result.error.issues);
    throw new DomainError('validation_failed', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
  }
}
