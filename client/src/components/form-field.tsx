// A labelled form control with its validation message beside it, wired for screen readers.
import { useId, type ReactElement, type ReactNode, cloneElement } from 'react';
import { ClinicDateInput, ClinicDateTimeInput } from './clinic-date-input';

interface FormFieldProps {
  label: ReactNode;
  /** Field path the API names, e.g. `steps.0.startTime`. */
  name: string;
  error?: string;
  hint?: ReactNode;
  children: ReactElement<Record<string, unknown>>;
}

export function FormField({ label, name, error, hint, children }: FormFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  // A clinic date field shows the error itself, so an unreadable date is explained once, in the clinic's pattern.
  const dateField = children.type === ClinicDateInput || children.type === ClinicDateTimeInput;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
        ...(dateField ? { formError: error, formErrorId: errorId, formErrorTestId: `error-${name}` } : {}),
      })}
      {hint && (
        <span className="field__hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && !dateField && (
        <span className="field__error" id={errorId} data-testid={`error-${name}`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** Errors the form shows nowhere else (e.g. a field without its own control), plus the API's headline. */
export function FormErrorSummary({ message, fields, shown }: { message?: string; fields: Record<string, string>; shown: string[] }) {
  const others = Object.entries(fields).filter(([k]) => !shown.includes(k));
  if (!message && others.length === 0) return null;
  return (
    <div className="form-errors" role="alert" data-testid="form-errors">
      {message && <p>{message}</p>}
      {others.length > 0 && (
        <ul>
          {others.map(([k, v]) => (
            <li key={k}>
              <code>{k || 'request'}</code> {v}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
