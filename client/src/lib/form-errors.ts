// Validation messages keyed by field path (`steps.0.startTime`), from the shared zod schemas or from the API.
import { ApiError, type FieldErrors } from './api';

export type { FieldErrors };

/** The part of a shared zod schema the forms use (keeps zod itself out of the client's dependencies). */
interface SafeParser<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** Client-side check with the very schema the API uses, so the messages are the API's own. */
export function validate<T>(schema: SafeParser<T>, input: unknown): { ok: true; value: T } | { ok: false; fields: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.');
    if (!(key in fields)) fields[key] = issue.message;
  }
  return { ok: false, fields };
}

/** Empty text is "not given" (undefined), anything else a number (NaN for text, which the schema refuses). */
export function numberOrUndefined(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

export interface SubmitFailure {
  message: string;
  fields: FieldErrors;
}

export function toSubmitFailure(err: unknown): SubmitFailure {
  if (err instanceof ApiError) return { message: err.message, fields: err.fields };
  return { message: err instanceof Error ? err.message : String(err), fields: {} };
}
