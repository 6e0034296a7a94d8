// Text and identifier fields of every request: storable by PostgreSQL (no NUL, no unpaired UTF-16 surrogate), trimmed, bounded.
import { z } from 'zod';

// PostgreSQL text cannot hold U+0000, and a lone surrogate is not UTF-8 at all (it breaks the audit trail's jsonb too).
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this refuses
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Identifiers (MRN, serial number, names of rooms and tokens) are typed on one line: no control characters at all.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001F\u007F]/;

export const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';
export const SURROGATE_MESSAGE = 'must not contain an unpaired UTF-16 surrogate';
export const CONTROL_MESSAGE = 'must not contain control characters (tab, newline...)';

/** Why `text` cannot be stored as PostgreSQL text, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  if (NUL.test(text)) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return null;
}

export interface TextFieldOptions {
  /** Shortest length after trimming (default 0: an empty string is kept as given). */
  min?: number;
  /** Message when shorter than `min` (default 'is required'). */
  minMessage?: string;
  /** Trims surrounding whitespace before checking the length (default true; passwords keep theirs). */
  trim?: boolean;
}

function storableString(max: number, options: TextFieldOptions, refuseControl: boolean): z.ZodString {
  let schema = z.string({ message: 'must be a string' }).superRefine((text, ctx) => {
    const reason = unstorableTextReason(text) ?? (refuseControl && CONTROL.test(text) ? CONTROL_MESSAGE : null);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
  });
  if (options.trim !== false) schema = schema.trim();
  const min = options.min ?? 0;
  if (min > 0) schema = schema.min(min, options.minMessage ?? (min === 1 ? 'is required' : `must be at least ${min} characters`));
  return schema.max(max, `must be at most ${max} characters`);
}

/** Free text a person writes (names, notes, reasons, contacts): storable, trimmed, at most `max` characters. */
export function clinicText(max: number, options: TextFieldOptions = {}): z.ZodString {
  return storableString(max, options, false);
}

/** An identifier or one-line label (MRN, serial number, entity type): as clinicText, and no control characters. */
export function identifier(max: number, options: TextFieldOptions = {}): z.ZodString {
  return storableString(max, options, true);
}
