// The foot of a form: its submit button (saying when the form is busy) and, when given, a cancel button or link.
import type { ReactNode } from 'react';

interface FormActionsProps {
  busy: boolean;
  label: string;
  busyLabel?: string;
  testId: string;
  onCancel?: () => void;
  /** Anything else beside the submit button, e.g. a cancel link leaving the page. */
  children?: ReactNode;
}

export function FormActions({ busy, label, busyLabel = 'Saving…', testId, onCancel, children }: FormActionsProps) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--primary" disabled={busy} data-testid={testId}>
        {busy ? busyLabel : label}
      </button>
      {onCancel && (
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      )}
      {children}
    </div>
  );
}
